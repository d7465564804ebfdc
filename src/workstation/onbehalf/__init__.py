"""Online on the citizen's behalf (nộp hộ), paying without cash, rating, handing back results.

- :mod:`.content`: what the citizen confirms (the dossier's content as shown) and its SHA-256;
- :mod:`.identity`: the one interface to the citizen's own e-ID sign-in and its demo;
- :mod:`.submit`: a received dossier becomes an online one only with a matching proof;
- :mod:`.vietqr` and :mod:`.payment`: the VietQR payment code and payment records;
- :mod:`.handover`: handing back the result, with its printed record;
- :mod:`.ratings`: the citizen's rating of the service;
- :mod:`.citizen_view`: what the screen facing the citizen may show.

Everything the central system must hear is queued through the store's outbox
in the transaction of the change.
"""
