"""Pre-printed result forms: scans aligned to their templates and read field by field."""

from __future__ import annotations

import json
import random
import shutil

import cv2
import pytest
from PIL import Image

from workstation.cli import main
from workstation.errors import BadInput
from workstation.resultforms import synthetic
from workstation.resultforms.recognise import parse_date, recognise_form
from workstation.resultforms.templates import load_template, template_names, templates_root

pytestmark = pytest.mark.integration


def filled(name: str, seed: int) -> tuple[object, dict[str, str], object]:
    template = load_template(name)
    rng = random.Random(seed)
    values = {f.name: synthetic.sample_value(f.type, f.name, rng) for f in template.fields}
    fields = [{"name": f.name, "box": list(f.box)} for f in template.fields]
    page = synthetic.fill(Image.fromarray(template.reference), fields, values)
    return template, values, page


def expected(template, values: dict[str, str]) -> dict[str, str]:
    return {
        f.name: parse_date(values[f.name]) if f.type == "date" else values[f.name]
        for f in template.fields
    }


def test_three_templates_are_shipped_with_small_reference_images() -> None:
    names = template_names()
    assert {"birth-extract", "certified-copy", "household-business"} <= set(names)
    for name in names:
        template = load_template(name)
        assert template.dpi == 300
        assert (template.folder / "blank.png").stat().st_size < 200_000


@pytest.mark.parametrize("name", ["birth-extract", "certified-copy", "household-business"])
def test_skewed_shifted_scaled_scan_is_read_field_by_field(name: str) -> None:
    template, values, page = filled(name, seed=len(name))
    scan = synthetic.distort(
        page, random.Random(7), angle=3.0, shift=(40, -50), scale=0.9, perspective=0.01
    )
    result = recognise_form(template, scan)
    assert {k: v.value for k, v in result.fields.items()} == expected(template, values)
    assert "upside_down" not in result.warnings
    assert all(0 <= v.confidence <= 100 for v in result.fields.values())


@pytest.mark.parametrize("name", ["birth-extract", "household-business"])
def test_upside_down_photo_is_turned_and_reported(name: str) -> None:
    template, values, page = filled(name, seed=11)
    scan = synthetic.distort(page, random.Random(3), angle=-2.0, upside_down=True)
    result = recognise_form(template, scan)
    assert "upside_down" in result.warnings
    assert {k: v.value for k, v in result.fields.items()} == expected(template, values)


def test_cut_off_form_reports_the_missing_fields_and_reads_the_rest() -> None:
    template, values, page = filled("birth-extract", seed=5)
    cut = page[: int(page.shape[0] * 0.48)]  # the bottom half is missing
    result = recognise_form(template, cut)
    assert "form_cut_off" in result.warnings
    assert "field_cut_off:registered_on" in result.warnings
    assert result.fields["registered_on"].value == ""
    assert result.fields["full_name"].value == values["full_name"]


def test_another_form_is_refused_as_not_this_form() -> None:
    other = load_template("birth-extract").reference
    with pytest.raises(BadInput) as caught:
        recognise_form(load_template("certified-copy"), other)
    assert caught.value.code == "resultforms.not_this_form"


def test_a_photo_of_something_else_is_refused(tmp_path) -> None:
    blank = cv2.randu(cv2.UMat(1200, 900, cv2.CV_8UC1), 0, 255).get()
    with pytest.raises(BadInput) as caught:
        recognise_form(load_template("birth-extract"), blank)
    assert caught.value.code == "resultforms.not_this_form"


def test_template_with_a_zone_outside_its_image_is_refused(tmp_path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(templates_root() / "certified-copy", folder)
    data = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    data["fields"][0]["box"] = [2400, 3400, 300, 200]
    (folder / "template.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_template("broken", tmp_path)
    assert caught.value.code == "resultforms.zone_outside"
    assert caught.value.params["field"] == data["fields"][0]["name"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["fields"].append(dict(d["fields"][0])), "resultforms.duplicate_field"),
        (lambda d: d["fields"][0].update(type="money"), "resultforms.unknown_field_type"),
    ],
)
def test_template_with_duplicate_or_unknown_fields_is_refused(tmp_path, change, code) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(templates_root() / "certified-copy", folder)
    data = json.loads((folder / "template.json").read_text(encoding="utf-8"))
    change(data)
    (folder / "template.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_template("broken", tmp_path)
    assert caught.value.code == code


def test_extract_prints_fields_as_json_and_exits_3_for_another_form(capsys, tmp_path) -> None:
    _, values, page = filled("certified-copy", seed=2)
    scan = tmp_path / "scan.png"
    Image.fromarray(synthetic.distort(page, random.Random(2))).save(scan)
    code = main(["result-form", "extract", "--template", "certified-copy", str(scan), "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["template"] == "certified-copy"
    assert data["fields"]["requester_name"]["value"] == values["requester_name"]
    assert set(data["fields"]["copy_count"]) == {"value", "confidence"}
    assert data["warnings"] == []
    other = tmp_path / "other.png"
    Image.fromarray(load_template("household-business").reference).save(other)
    code = main(["result-form", "extract", "--template", "certified-copy", str(other)])
    _, err = capsys.readouterr()
    assert code == 3
    assert "does not match" in err


def test_templates_command_lists_the_shipped_forms(capsys) -> None:
    assert main(["result-form", "templates", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {t["name"] for t in data["templates"]} >= {"birth-extract", "certified-copy"}


def test_dates_are_parsed_from_any_separator() -> None:
    assert parse_date("04/08/1953") == "1953-08-04"
    assert parse_date("4-8-1953") == "1953-08-04"
    assert parse_date("31/02/2020") is None


def test_confirmed_scan_becomes_a_pdfa_result_with_its_values_as_metadata(tmp_path) -> None:
    import pikepdf

    from workstation.resultforms.result import result_pdf

    template, values, page = filled("certified-copy", seed=9)
    result = recognise_form(template, synthetic.distort(page, random.Random(9)))
    confirmed = {name: v.value for name, v in result.fields.items()}
    out = result_pdf(template, result, confirmed, tmp_path / "result.pdf", dossier_code="X-1")
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        subjects = set(meta["dc:subject"])
        assert meta["pdfaid:part"] == "2"
    assert {"digitised-result", "reusable", "template=certified-copy"} <= subjects
    assert f"requester_name={values['requester_name']}" in subjects


def test_each_value_is_shown_beside_the_dossier_and_mismatches_flagged() -> None:
    from datetime import UTC, datetime

    from workstation.domain.applicant import Applicant
    from workstation.domain.dossier import Dossier
    from workstation.resultforms.compare import compare, mismatches

    template, values, page = filled("household-business", seed=4)
    result = recognise_form(template, synthetic.distort(page, random.Random(4)))
    name = values["owner_name"]
    dossier = Dossier(
        procedure_code="1.001",
        applicant=Applicant(name=name.upper(), id_number="001099000001"),
        received_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    rows = {row.field: row for row in compare(template, result, dossier)}
    assert rows["owner_name"].matches is True  # same name, other case
    assert rows["owner_id_number"].matches is False
    assert rows["business_name"].matches is None
    assert [row.field for row in mismatches(list(rows.values()))] == ["owner_id_number"]


def test_extract_tells_the_officer_in_words_when_the_form_was_upside_down_or_cut_off(
    capsys, tmp_path
) -> None:
    *_, page = filled("birth-extract", seed=5)
    turned = tmp_path / "turned.png"
    Image.fromarray(synthetic.distort(page, random.Random(3), upside_down=True)).save(turned)
    cut = tmp_path / "cut.png"
    Image.fromarray(page[: int(page.shape[0] * 0.48)]).save(cut)
    assert main(["result-form", "extract", "--template", "birth-extract", str(turned)]) == 0
    out, err = capsys.readouterr()
    assert "warning: upside_down" in err
    assert "ngược" in out  # the officer's message, not only the code
    assert main(["result-form", "extract", "--template", "birth-extract", str(cut)]) == 0
    out, err = capsys.readouterr()
    assert "warning: form_cut_off" in err
    assert "thiếu" in out.lower() and "registered_on" in out
