"""Sync: the sender over the store's outbox, the central-system client, officer login.

Empty until the sync capability lands (see ARCHITECTURE.md); the store's
outbox (:mod:`workstation.store.outbox`) is already where every change is queued.
"""
