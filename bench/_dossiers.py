"""Shared by the benchmarks: a store filled with many dossiers, quickly.

Rows go in with bulk inserts (what is measured is reading, not filling), with
names drawn from common Vietnamese family, middle and given names so that
searches hit a realistic share of rows; each name's blind search tokens go in
beside it, made with the installed codec's keyed door.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from workstation.store.database import Database, open_database
from workstation.store.models import (
    ApplicantRow,
    ComponentRow,
    DossierRow,
    DossierSearchTokenRow,
)
from workstation.store.search_index import DOSSIER_PURPOSE, index_tokens, received_key

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Đức", "Thu", "Ngọc", "Quang", "Thanh", "Hồng"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hà",
    "Hương",
    "Lan",
    "Long",
    "Nhung",
    "Phúc",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
]
PROCEDURES = ["1.001193", "1.000656", "2.000575", "1.009994", "2.000908"]


def filled_store(path: Path, count: int, seed: int = 7) -> Database:
    """A migrated store at ``path`` holding ``count`` dossiers, one component each."""
    database = open_database(path)
    rng = random.Random(seed)
    start = datetime(2025, 7, 1, tzinfo=UTC)
    batch = 10_000
    with database.engine.begin() as connection:
        for first in range(0, count, batch):
            applicants, dossiers, components, tokens = [], [], [], []
            for n in range(first, min(first + batch, count)):
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                dossier_id, applicant_id = str(uuid.UUID(int=rng.getrandbits(128))), f"a{n}"
                when = (start + timedelta(minutes=7 * n)).replace(tzinfo=None)
                applicants.append({"id": applicant_id, "type": 1, "name": name})
                tokens += (
                    {"token": token, "received": received_key(when), "number": n + 1}
                    for token in index_tokens(DOSSIER_PURPOSE, name)
                )
                dossiers.append(
                    {
                        "id": dossier_id,
                        "number": n + 1,
                        "code": None,
                        "procedure_code": rng.choice(PROCEDURES),
                        "procedure_version": 1,
                        "applicant_id": applicant_id,
                        "status": 2,
                        "channel": "counter",
                        "received_at": when,
                        "created_at": when,
                        "updated_at": when,
                        "officer_id": None,
                    }
                )
                components.append(
                    {
                        "id": f"c{n}",
                        "dossier_id": dossier_id,
                        "position": 0,
                        "requirement_code": "TK",
                        "name": "Tờ khai",
                        "originals": 1,
                        "certified_copies": 0,
                        "photocopies": 0,
                        "digitisation": 1,
                    }
                )
            connection.execute(insert(ApplicantRow), applicants)
            connection.execute(insert(DossierRow), dossiers)
            connection.execute(insert(ComponentRow), components)
            connection.execute(insert(DossierSearchTokenRow), tokens)
    return database
