"""The local store: the SQLite database, its migrations, the blob store and the outbox.

- :mod:`.database`: opening, migrating, one transaction per unit of work
  (:meth:`~.database.Database.transaction` to write, :meth:`~.database.Database.reading` to read);
- :mod:`.diagnosis`: what is wrong when the database cannot be opened or written;
- :mod:`.models`: the tables (private to the store);
- :mod:`.dossiers`: dossiers in and out, as domain objects;
- :mod:`.outbox`: messages for the central system, queued in the same transaction,
  and the sender's half (claim, mark sent, record a failure);
- :mod:`.blobs`: page images and PDFs by content hash;
- :mod:`.protection`: the one door for stored bytes and personal data.
"""

from workstation.store.blobs import BlobStore
from workstation.store.database import Database, open_database

__all__ = ["BlobStore", "Database", "open_database"]
