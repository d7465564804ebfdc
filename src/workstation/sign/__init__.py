"""Signing: PKCS#11 tokens, PAdES with Decree 30/2020's appearance, verifying.

- :mod:`.signer`: the one interface every signer offers (token, remote, demo token).
- :mod:`.tokens`: find the token's module, list tokens and certificates, log in once.
- :mod:`.watch`: notice a token plugged in or pulled out (polling slots).
- :mod:`.pades`: sign PDFs in a batch with one login (pyHanko's PKCS#11 signer).
- :mod:`.remote`: remote signing over the CSC API v1, confirmed on a phone.
- :mod:`.level`: the signature policy (B-B, B-T, B-LT) and what each level needs.
- :mod:`.revocation`: refuse a revoked certificate; the data PAdES B-LT embeds.
- :mod:`.appearance`: the copy, signer and agency appearances, rules as data.
- :mod:`.verify`: report on every signature of a PDF.
- :mod:`.softhsm`: a SoftHSM2 token with a test CA, for tests and the benchmark.
- :mod:`.demo_token`: the demo mode's SoftHSM2 token in the user's data folder.

No Qt here.
"""

import logging as _logging

APPEARANCES = ("none", "signer", "agency", "copy")
"""The looks a signature can have (Decree 30/2020): none, a signer's, the agency's seal,
an electronic copy's text. Here, not in :mod:`.pades`, so the command line can offer
them without importing pyHanko."""

# pyHanko and its certificate validator put the subject of a certificate (a
# person's full name) into their warnings. Names never go to our log: we log
# codes and counts, and every failure they report reaches us as an exception.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    _logging.getLogger(_name).setLevel(_logging.CRITICAL)
