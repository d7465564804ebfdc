"""A result form's values beside the dossier's own data: names compared with their diacritics
(a name differing only in them is flagged with that hint), dates compared with the dossier's
dates where it holds one, and a field the dossier knows nothing of left with nothing to
compare, never counted as a match."""

from __future__ import annotations

from datetime import UTC, datetime

from workstation.domain.applicant import Applicant
from workstation.domain.dossier import Dossier
from workstation.resultforms.compare import DIACRITICS, compare, mismatches
from workstation.resultforms.recognise import FieldValue, Recognition
from workstation.resultforms.templates import load_template


def read(template_name: str, **values: str) -> Recognition:
    """What a scan of ``template_name`` read: ``values`` for the named fields, empty elsewhere."""
    template = load_template(template_name)
    fields = {f.name: FieldValue(values.get(f.name, ""), 90.0) for f in template.fields}
    return Recognition(template_name, fields)


def dossier(name: str, id_number: str | None = None) -> Dossier:
    return Dossier(
        procedure_code="1.001",
        applicant=Applicant(name=name, id_number=id_number),
        received_at=datetime(2026, 1, 5, 3, 0, tzinfo=UTC),
    )


def rows_of(template_name: str, owner: Dossier, issued: datetime | None = None, **values: str):
    template = load_template(template_name)
    rows = compare(template, read(template_name, **values), owner, result_issued_at=issued)
    return {row.field: row for row in rows}


def test_a_name_differing_only_in_diacritics_is_a_mismatch_with_that_hint() -> None:
    rows = rows_of("household-business", dossier("Nguyễn Thị Hà"), owner_name="Nguyễn Thị Hạ")
    assert rows["owner_name"].matches is False
    assert rows["owner_name"].hint == DIACRITICS
    assert [r.field for r in mismatches(list(rows.values()))] == ["owner_name"]


def test_a_name_without_any_diacritics_is_a_mismatch_with_that_hint() -> None:
    rows = rows_of("certified-copy", dossier("Đỗ Văn Đức"), requester_name="Do Van Duc")
    assert rows["requester_name"].matches is False
    assert rows["requester_name"].hint == DIACRITICS


def test_a_name_differing_only_in_case_spacing_or_composition_matches() -> None:
    decomposed = "Nguye\u0302\u0303n  thi\u0323 HA\u0300"  # NFD, other case, two spaces
    rows = rows_of("household-business", dossier("Nguyễn Thị Hà"), owner_name=decomposed)
    assert rows["owner_name"].matches is True
    assert rows["owner_name"].hint == ""


def test_another_name_is_a_mismatch_without_the_diacritics_hint() -> None:
    rows = rows_of("household-business", dossier("Nguyễn Thị Hà"), owner_name="Trần Văn An")
    assert rows["owner_name"].matches is False
    assert rows["owner_name"].hint == ""


def test_the_registration_date_is_compared_with_the_day_the_result_was_issued() -> None:
    # 17:30 UTC on 9 March is already 10 March at the counter (UTC+07:00).
    issued = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
    same = rows_of("birth-extract", dossier("Lê Văn Tám"), issued, registered_on="2026-03-10")[
        "registered_on"
    ]
    assert same.dossier_value == "2026-03-10" and same.matches is True
    other = rows_of("birth-extract", dossier("Lê Văn Tám"), issued, registered_on="2026-03-09")[
        "registered_on"
    ]
    assert other.matches is False


def test_a_date_the_dossier_does_not_hold_has_nothing_to_compare() -> None:
    rows = rows_of(
        "household-business",
        dossier("Lê Văn Tám"),
        None,  # no result issued yet
        owner_name="Lê Văn Tám",
        registered_on="2026-03-10",
        owner_birth_date="1990-01-02",
    )
    assert rows["registered_on"].dossier_value is None
    assert rows["registered_on"].matches is None
    assert rows["owner_birth_date"].matches is None  # the dossier holds no birth date
    assert mismatches(list(rows.values())) == []


def test_every_shipped_date_field_that_the_result_dates_is_tied_to_it() -> None:
    tied = {
        (name, f.name)
        for name in ("birth-extract", "certified-copy", "household-business")
        for f in load_template(name).fields
        if f.dossier == "result.issued_at"
    }
    assert tied == {
        ("birth-extract", "registered_on"),
        ("certified-copy", "certified_on"),
        ("household-business", "registered_on"),
    }


def test_the_dossier_is_compared_with_the_day_its_latest_result_was_issued(services) -> None:
    from tests.store_helpers import received_dossier
    from workstation.domain.dossier import Document, DocumentKind, Result
    from workstation.resultforms.filing import dossier_to_compare
    from workstation.store.documents import add_result

    stored = received_dossier(services.database, name="Lê Văn Tám")
    with services.database.reading() as session:
        assert dossier_to_compare(session, str(stored.number))[1] is None
    with services.database.transaction() as session:
        for day in (3, 9, 6):
            document = Document("0" * 64, "application/pdf", "r.pdf", 1, kind=DocumentKind.RESULT)
            issued = datetime(2026, 3, day, 2, 0, tzinfo=UTC)
            add_result(session, Result(stored.id, issued_at=issued, document=document))
    with services.database.reading() as session:
        found, issued_at = dossier_to_compare(session, str(stored.number))
    assert found.id == stored.id
    assert issued_at == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
