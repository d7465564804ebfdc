"""Clearing what receiving leaves behind: blobs no dossier refers to, and interrupted writes.

A receive whose database write was refused, a dialog abandoned after its files
were stored, or a program killed half-way through copying a 500 MB scan all
leave files in the blob store that no dossier will ever refer to; some are a
citizen's papers. :func:`clean_up_blobs` removes them. It runs at every start
(:func:`workstation.services.open_services`) and the window runs it on a
schedule. It is safe while dossiers are being received: a blob is removed only
when its last claim is older than ``older_than`` and no saved dossier refers to
it, and storing content that is already there renews its claim
(:meth:`~workstation.store.blobs.BlobStore.renew`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from workstation.store import BlobStore, Database
from workstation.store.dossiers import referenced_blobs
from workstation.store.outbox import unsent_file_digests

log = logging.getLogger(__name__)

UNREFERENCED_AFTER = timedelta(hours=1)
"""How long a stored file may wait for its dossier to be saved (the officer may be typing)."""
INTERRUPTED_AFTER = timedelta(minutes=10)
"""How long a temporary file may go unwritten before it is taken for an interrupted write."""


@dataclass(frozen=True)
class CleanUp:
    """What one clean-up removed."""

    blobs: int
    interrupted_writes: int


def clean_up_blobs(
    database: Database,
    blobs: BlobStore,
    *,
    older_than: timedelta = UNREFERENCED_AFTER,
    interrupted_older_than: timedelta = INTERRUPTED_AFTER,
) -> CleanUp:
    """Remove blobs no dossier refers to and writes that never finished; say how many.

    The digests dossiers refer to are read after the blobs are listed, so a
    dossier saved meanwhile keeps its files. Raises :class:`StoreError` if the
    database cannot be read.
    """

    def referenced() -> set[str]:
        with database.reading() as session:
            # A file stays until the central system has it, even if its dossier is gone.
            return referenced_blobs(session) | unsent_file_digests(session)

    interrupted = blobs.remove_interrupted(interrupted_older_than)
    removed = blobs.remove_unreferenced(referenced, older_than=older_than)
    return CleanUp(blobs=len(removed), interrupted_writes=interrupted)
