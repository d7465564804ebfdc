"""The composition root of the core: builds the services every front end uses.

The command line, the GUI and the tests all start here, with settings and the
user's folders, and get one :class:`Services` holding the store, the blob
store and the catalogue. Backends (scanners, signers, central-system clients)
are chosen here as they land, so the rest of the code never asks which one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from workstation.config import Settings, load_settings
from workstation.domain import Catalogue
from workstation.domain.catalogue import load_catalogue
from workstation.paths import Folders, user_folders
from workstation.store import BlobStore, Database, open_database

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    folders: Folders
    database: Database
    blobs: BlobStore
    catalogue: Catalogue

    def close(self) -> None:
        self.database.close()


def open_services(settings: Settings | None = None, folders: Folders | None = None) -> Services:
    """Open the store (migrating it), the blob store and the catalogue."""
    folders = folders or user_folders()
    settings = settings or load_settings(folders)
    database = open_database(settings.database_path(folders))
    log.info("store %s at revision %s", database.path, database.revision())
    return Services(
        settings=settings,
        folders=folders,
        database=database,
        blobs=BlobStore(settings.blob_path(folders)),
        catalogue=load_catalogue(settings.catalogue_path()),
    )
