"""The local store: the SQLite database, its migrations, the blob store and the outbox.

- :mod:`.database`: opening, migrating, one transaction per unit of work;
- :mod:`.models`: the tables (private to the store);
- :mod:`.dossiers`: dossiers in and out, as domain objects;
- :mod:`.outbox`: messages for the central system, queued in the same transaction;
- :mod:`.blobs`: page images and PDFs by content hash;
- :mod:`.protection`: the one door for stored bytes and personal data.
"""

from workstation.store.blobs import BlobStore
from workstation.store.database import Database, open_database

__all__ = ["BlobStore", "Database", "open_database"]
