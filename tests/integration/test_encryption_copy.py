"""A copy of the data folder taken away without the keyring gives no citizen's data away.

Dossiers are received through the import flow (before and after encryption is
switched on) with planted ID numbers, addresses, phones, e-mails and file names,
scanned pages and a result file; receipts and life-cycle forms are printed, a
document is fetched for reuse, pages are captured and an upgrade copy of the
database is made; the data folder (database, its WAL, every blob and every other
file in it) is copied while the workstation is running and every byte is searched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.fakes.citizen_store import FakeCitizenStoreClient
from tests.fakes.fake_keyring import FakeFileKeyring
from workstation import lifecycle
from workstation.cli import main
from workstation.intake.attach import attach_result
from workstation.intake.imports import ImportResult, import_dossiers
from workstation.intake.receive import CodeIssuer
from workstation.paths import resources_dir
from workstation.reuse import ReusableDocument, ReuseLookup
from workstation.services import open_services
from workstation.store import protection, sealed_files

pytestmark = pytest.mark.integration
EXAMPLES = resources_dir() / "examples" / "files"

PLANTED = [
    {
        "import_key": "copy-test-1",
        "name": "Phạm Quốc Khánh",
        "id_number": "001099012345",
        "address": "Số 47 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        "phone": "0983123457",
        "email": "khanh.pham.copytest@example.vn",
        "pages": ["001-to-khai.png", "001-giay-chung-sinh.png"],
    },
    {
        "import_key": "copy-test-2",
        "name": "Đặng Thị Thu Hường",
        "id_number": "038187654321",
        "address": "Thôn Đông Xuyên, xã Tiền Phong, tỉnh Thái Bình",
        "phone": "0912876543",
        "email": "huong.dang.copytest@example.vn",
        "pages": ["002-to-khai.png", "002-giay-chung-sinh.png"],
    },
]


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("WORKSTATION_FAKE_KEYRING", str(path))
    before = keyring.get_keyring()
    keyring.set_keyring(FakeFileKeyring())
    yield path
    keyring.set_keyring(before)
    protection.install_codec(protection.PlainCodec())


def _import_file(folder: Path, planted: dict) -> tuple[Path, list[Path]]:
    """An import file for one dossier whose page files are named after the applicant's ID."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for page in planted["pages"]:
        copy = folder / f"CCCD {planted['id_number']} {page}"
        shutil.copyfile(EXAMPLES / page, copy)
        pages.append(copy)
    entry = {
        "import_key": planted["import_key"],
        "procedure": "1.001193",
        "received_at": "2026-11-02T08:15:00+07:00",
        "applicant": {
            "type": 1,
            "name": planted["name"],
            "id_number": planted["id_number"],
            "address": planted["address"],
            "phone": planted["phone"],
            "email": planted["email"],
        },
        "components": [
            {"code": "TK", "paper_pages": 1, "files": [pages[0].name]},
            {"code": "GCS", "paper_pages": 1, "files": [pages[1].name]},
        ],
    }
    path = folder / "dossiers.json"
    document = {"format": "workstation.dossiers/1", "dossiers": [entry]}
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path, pages


def _receive(settings, folders, tmp_path: Path, planted: dict) -> tuple[str, list[Path]]:
    path, pages = _import_file(tmp_path / planted["import_key"], planted)
    services = open_services(settings, folders)
    try:
        [outcome] = import_dossiers(
            services.database,
            services.blobs,
            services.catalogue,
            path,
            issuer=CodeIssuer.from_settings(settings),  # a code: its receipt can be printed
        )
    finally:
        services.close()
    assert outcome.result is ImportResult.CREATED and outcome.dossier is not None, outcome
    return outcome.dossier.id, pages


def _needles(planted: list[dict], files: list[Path]) -> dict[str, bytes]:
    """Every byte string that would give a citizen's data away, by what it is."""
    needles: dict[str, bytes] = {}
    for person in planted:
        for field in ("name", "id_number", "address", "phone", "email"):
            value = person[field]
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                needles[f"{field} {value!r} in {encoding}"] = value.encode(encoding)
    for file in files:
        content = file.read_bytes()
        digest = hashlib.sha256(content)
        needles[f"sha256 of {file.name}"] = digest.hexdigest().encode()
        needles[f"SHA256 of {file.name}"] = digest.hexdigest().upper().encode()
        needles[f"raw sha256 of {file.name}"] = digest.digest()
        for at in (64, len(content) // 3, len(content) // 2, len(content) - 80):
            needles[f"bytes {at}.. of {file.name}"] = content[at : at + 48]
    return needles


def _print_forms(services, folders, dossier_id: str) -> list[Path]:
    """The dossier's receipt and a life-cycle form (both carry the name and ID number)."""
    from workstation.store.dossiers import get_dossier
    from workstation.ui.intake.receipt_step import write_receipt

    with services.database.reading() as session:
        dossier = get_dossier(session, dossier_id)
    receipt = write_receipt(
        dossier, services.catalogue, services.settings, folders.data, services.database
    )
    counter = lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data, "Cán bộ A"
    )
    slip = lifecycle.print_control_slip(counter, dossier_id)
    return [receipt, slip.form_path]


def _reuse(folders, document: Path) -> tuple[Path, Path]:
    """Fetch ``document`` from the citizen's store; its kept copy and the working copy."""
    data = document.read_bytes()
    lookup = ReuseLookup(
        lambda: FakeCitizenStoreClient({document.name: data}, "Tờ khai"), folders.data / "reused"
    )
    wanted = ReusableDocument(
        hashlib.sha256(data).hexdigest(), document.name, "application/pdf", len(data),
        "earlier", None, None, "Tờ khai",
    )  # fmt: skip
    working = lookup.fetch(wanted)
    kept = folders.data / "reused" / sealed_files.kept_name(wanted.sha256, ".pdf")
    assert kept.is_file()
    return kept, working


def test_a_copy_of_the_data_folder_shows_no_id_number_address_phone_page_or_hash(
    settings, folders, tmp_path
) -> None:
    before_id, before_pages = _receive(settings, folders, tmp_path, PLANTED[0])
    services = open_services(settings, folders)
    try:  # files kept before encryption was on: plain until `key init` seals them
        forms_before = _print_forms(services, folders, before_id)
        reused_before = tmp_path / f"Giay to {PLANTED[0]['id_number']}.pdf"
        shutil.copyfile(EXAMPLES / "005-giay-de-nghi.pdf", reused_before)
        _reuse(folders, reused_before)
        upgrade_copy = services.database._back_up("0900")  # as an upgrade makes it
    finally:
        services.close()
    assert main(["key", "init", "--json"]) == 0  # seals what was received and kept before
    assert upgrade_copy.exists() and sealed_files.is_sealed(upgrade_copy)
    assert all(sealed_files.is_sealed(p) for p in forms_before)
    after_id, after_pages = _receive(settings, folders, tmp_path, PLANTED[1])
    result_file = tmp_path / f"Ket qua {PLANTED[0]['id_number']}.pdf"
    shutil.copyfile(EXAMPLES / "005-giay-de-nghi.pdf", result_file)
    reused_after = tmp_path / f"Ban sao {PLANTED[1]['id_number']}.pdf"
    reused_after.write_bytes(reused_before.read_bytes() + b"\n% a second document\n")
    captured = tmp_path / "captured"
    assert main(["scan", "--device", "demo", "--no-ocr", "-o", str(captured)]) == 0
    services = open_services(settings, folders)  # kept open: the copy is taken while running
    try:
        attach_result(services.database, services.blobs, before_id, result_file)
        forms_after = _print_forms(services, folders, after_id)
        kept, working = _reuse(folders, reused_after)
        assert sealed_files.read(kept) == reused_after.read_bytes()
        assert working.parent == sealed_files.plain_folder(folders.data)
        printed = []  # the forms' plain content, outside the data folder, for the needles
        for number, form in enumerate([*forms_before, *forms_after]):
            printed.append(tmp_path / f"printed-{number}.pdf")
            printed[-1].write_bytes(sealed_files.read(form))
        sealed_files.empty_plain_folder(folders.data)  # as the window does at exit
        copy = tmp_path / "taken-away"
        shutil.copytree(folders.data, copy)
    finally:
        services.close()
    files = [p for p in copy.rglob("*") if p.is_file()]
    database = settings.database_path(folders).name
    assert {database, f"{database}-wal"} <= {p.name for p in files}, "the WAL is in the copy"
    kinds = {p.relative_to(copy).parts[0] for p in files}
    assert {"receipts", "forms", "reused", "blobs"} <= kinds, kinds
    assert upgrade_copy.name in {p.name for p in files}
    blob_count = len([p for p in files if p.parent.parent.parent.name == "blobs"])
    assert blob_count == len(before_pages) + len(after_pages) + 1
    needles = _needles(PLANTED, [*before_pages, *after_pages, result_file])
    needles |= _needles([], [reused_before, reused_after, *printed])
    found = [
        f"{what} in {file.relative_to(copy)}"
        for file in files
        for what, needle in needles.items()
        if needle in file.read_bytes()
    ]
    assert found == []
    # The same values are there to be found: the needles would catch them.
    services = open_services(settings, folders)
    try:
        with services.database.reading() as session:
            from workstation.store.dossiers import get_dossier

            stored = get_dossier(session, before_id)
        assert stored.applicant.id_number == PLANTED[0]["id_number"]
        assert services.blobs.read(stored.components[0].documents[0].sha256) == (
            before_pages[0].read_bytes()
        )
        assert all(p.read_bytes().startswith(b"%PDF") for p in printed)
    finally:
        services.close()


def test_the_search_catches_a_planted_value_in_a_plain_store(settings, folders, tmp_path) -> None:
    """The same search over a store with encryption off finds every kind of value."""
    _, pages = _receive(settings, folders, tmp_path, PLANTED[0])
    copy = tmp_path / "taken-away"
    shutil.copytree(folders.data, copy)
    everything = b"".join(p.read_bytes() for p in copy.rglob("*") if p.is_file())
    needles = _needles([PLANTED[0]], pages)
    for kind in ("id_number", "address", "phone", "sha256 of", "bytes 64.."):
        assert any(n in everything for what, n in needles.items() if what.startswith(kind)), kind
