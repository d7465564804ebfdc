"""What the officer does with dossiers, as the window and the command line both ask for it.

The use cases over the store: list a page of dossiers (with how many match),
count them, show one, count the outbox messages waiting for the central
system. Receiving a dossier is :mod:`workstation.intake.receive`. The
window's sections and the ``workstation dossier`` commands call these
functions and never open a transaction or call a repository themselves, so a
rule about reading dossiers (which transaction, what a reference may be)
changes here once.

Each function takes the parts of :class:`~workstation.services.Services` it
uses (the database), not the whole services, and opens its own transaction:
callers on the window's ``db`` executor and in a command are alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workstation.domain import Dossier, DossierSummary
from workstation.store import Database, outbox
from workstation.store import dossiers as repository
from workstation.store.dossiers import PageKey

__all__ = [
    "DossierPage",
    "PageKey",
    "count_dossiers",
    "count_outbox",
    "list_dossiers",
    "show_dossier",
]


@dataclass(frozen=True)
class DossierPage:
    """One page of the dossier list, newest first.

    ``total`` is how many dossiers match the search, counted with the first
    page only (``None`` on later pages); ``after`` is the key to ask for the
    next page with.
    """

    summaries: list[DossierSummary]
    total: int | None

    @property
    def after(self) -> PageKey | None:
        last = self.summaries[-1] if self.summaries else None
        return PageKey(received_at=last.received_at, id=last.id) if last else None

    def __iter__(self) -> Iterator[DossierSummary]:
        return iter(self.summaries)

    def __len__(self) -> int:
        return len(self.summaries)


def _reading(database: Database) -> AbstractContextManager[Session]:
    """The transaction every use case here reads in: a read-only one, taking no write lock."""
    return database.reading()


def list_dossiers(
    database: Database,
    search: str | None = None,
    after: PageKey | None = None,
    limit: int = 50,
) -> DossierPage:
    """Up to ``limit`` dossiers matching ``search``, newest first, after ``after``.

    ``search`` matches the applicant's name (accents optional) or a code, as
    the store defines it. The first page (``after`` is None) carries the total.
    """
    with _reading(database) as session:
        rows = repository.list_dossiers(session, after=after, limit=limit, search=search)
        total = None
        if after is None:  # a first page that is not full holds every match: no count to run
            total = len(rows) if len(rows) < limit else repository.count_dossiers(session, search)
    return DossierPage(rows, total)


def count_dossiers(database: Database, search: str | None = None) -> int:
    """How many dossiers match ``search`` (all of them without one)."""
    with _reading(database) as session:
        return repository.count_dossiers(session, search)


def show_dossier(database: Database, reference: str) -> Dossier:
    """The whole dossier ``reference`` names; :class:`~workstation.errors.NotFound` if none.

    A reference is what the window shows (the short number, ``#000123`` or
    ``123``), the official code, or the dossier's id.
    """
    with _reading(database) as session:
        return repository.find_dossier(session, reference)


def count_outbox(database: Database) -> int:
    """How many messages wait for the central system."""
    with _reading(database) as session:
        return outbox.count_pending(session)
