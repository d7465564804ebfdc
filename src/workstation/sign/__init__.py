"""Signing: PKCS#11 tokens, PAdES with Decree 30/2020's appearance, verifying.

- :mod:`.tokens`: find the token's module, list tokens and certificates, log in once.
- :mod:`.pades`: sign PDFs in a batch with one login (pyHanko's PKCS#11 signer).
- :mod:`.appearance`: the copy, signer and agency appearances, rules as data.
- :mod:`.verify`: report on every signature of a PDF.
- :mod:`.softhsm`: a SoftHSM2 token with a test CA, for tests and the benchmark.

Remote signing (CSC) comes next. No Qt here.
"""
