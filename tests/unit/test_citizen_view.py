"""The citizen's screen shows the dossier owner, who confirms with their own e-ID."""

from __future__ import annotations

from datetime import UTC, datetime

from workstation.domain import Applicant, Dossier
from workstation.onbehalf.citizen_view import dossier_citizen_lines

FILER = Applicant(name="Nguyễn Văn An", id_number="001203012345")
OWNER = Applicant(name="Trần Thị Bình", id_number="079190006789")
RECEIVED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_a_dossier_filed_for_someone_else_shows_the_owner_and_names_the_filer() -> None:
    dossier = Dossier(procedure_code="1.001", applicant=FILER, received_at=RECEIVED, owner=OWNER)

    lines = dossier_citizen_lines(dossier, "Đăng ký khai sinh")

    assert lines.name == "Trần Thị Bình"
    assert lines.id_number == "••••••••6789"
    assert lines.filer_name == "Nguyễn Văn An"
    assert lines.filer_id_number == "••••••••2345"


def test_a_dossier_filed_by_its_owner_shows_no_filer_line() -> None:
    dossier = Dossier(procedure_code="1.001", applicant=FILER, received_at=RECEIVED)

    lines = dossier_citizen_lines(dossier, "Đăng ký khai sinh")

    assert lines.name == "Nguyễn Văn An"
    assert lines.id_number == "••••••••2345"
    assert lines.filer_name == ""
    assert lines.filer_id_number == ""
