"""Sync: the sender over the store's outbox, the central-system client, officer login.

- :mod:`workstation.sync.client`: :class:`CentralClient`, the one interface to a
  province's central system, and its HTTP implementation (docs/central-api.yaml);
- :mod:`workstation.sync.sender`: drains :mod:`workstation.store.outbox` through it;
- :mod:`workstation.sync.auth`: sign-in, the refresh token kept in the OS keyring.
"""
