"""The command line: subcommands, --json, exit codes, one-line errors."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation import __version__
from workstation.cli import main

pytestmark = pytest.mark.integration

WORKSTATION = [sys.executable, "-m", "workstation"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_entry_point_reports_its_version() -> None:
    result = subprocess.run(
        [*WORKSTATION, "--version"], capture_output=True, text=True, check=False, env=os.environ
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"workstation {__version__}"


def test_dossier_added_from_the_command_line_is_listed(capsys, sample_page) -> None:
    code, out, _ = run(
        capsys,
        "dossier",
        "add",
        "--procedure",
        "1.001193",
        "--applicant-name",
        "Khuất Lưu Huy Nhật",
        "--file",
        str(sample_page),
        "--json",
    )
    assert code == 0
    added = json.loads(out)
    assert added["applicant"]["name"] == "Khuất Lưu Huy Nhật"
    assert added["page_count"] == 1
    assert added["outbox_pending"] == 1

    code, out, _ = run(capsys, "dossier", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["total"] == 1
    assert listed["dossiers"][0]["id"] == added["id"]

    code, out, _ = run(capsys, "dossier", "list", "--search", "khuat luu")
    assert code == 0 and "Khuất Lưu Huy Nhật" in out

    code, out, _ = run(capsys, "dossier", "show", added["id"])
    assert code == 0 and sample_page.name in out


def test_pdf_dossier_counts_its_pages(capsys, tmp_path) -> None:
    from tests.unit.test_files import make_pdf

    pdf = make_pdf(tmp_path / "giay-to.pdf", pages=4)
    code, out, _ = run(
        capsys,
        "dossier",
        "add",
        "--procedure",
        "2.000575",
        "--applicant-type",
        "2",
        "--applicant-name",
        "Công ty TNHH Hoa Lư",
        "--file",
        str(pdf),
        "--json",
    )
    assert code == 0
    assert json.loads(out)["page_count"] == 4


def test_damaged_pdf_is_bad_input_with_one_line_in_english(capsys, tmp_path) -> None:
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n%garbage")
    code, out, err = run(
        capsys,
        "dossier",
        "add",
        "--procedure",
        "1.001193",
        "--applicant-name",
        "A",
        "--file",
        str(broken),
    )
    assert code == 3
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: hong.pdf is a damaged PDF")


def test_errors_in_json_carry_code_and_both_messages(capsys, sample_page) -> None:
    code, out, _ = run(
        capsys,
        "dossier",
        "add",
        "--procedure",
        "0.000000",
        "--applicant-name",
        "A",
        "--file",
        str(sample_page),
        "--json",
    )
    assert code == 3
    error = json.loads(out)["error"]
    assert error["code"] == "catalogue.procedure_not_found"
    assert error["message"].startswith("Không có thủ tục mã 0.000000")
    assert error["message_en"].startswith("No procedure 0.000000")


def test_unknown_dossier_is_bad_input(capsys) -> None:
    code, _, err = run(capsys, "dossier", "show", "no-such-id")
    assert code == 3 and "no dossier no-such-id" in err


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["dossier", "add", "--procedure"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["no-such-command"])
    assert caught.value.code == 2


def test_doctor_reports_every_part_as_json(capsys) -> None:
    code, out, _ = run(capsys, "doctor", "--json")
    report = json.loads(out)
    parts = {c["part"] for c in report["checks"]}
    assert {
        "tesseract",
        "ocr languages",
        "scanner (SANE)",
        "pkcs11 module",
        "fonts",
        "data folder",
        "log folder",
        "window libraries",
        "database",
        "procedure catalogue",
        "central system",
    } <= parts
    assert code == (0 if report["ok"] else 4)
    assert all(c["status"] in {"ok", "warning", "missing", "failed"} for c in report["checks"])


@pytest.mark.parametrize(
    ("variable", "value", "part", "fix_mentions"),
    [
        ("TESSERACT", "tesseract-that-is-not-installed", "tesseract", "tesseract-ocr"),
        ("OCR_LANGUAGES", "vie+xyz", "ocr languages", "tesseract-ocr-xyz"),
        ("PKCS11_MODULE", "/nowhere/libtoken.so", "pkcs11 module", "pkcs11_module"),
        ("CATALOGUE", "/nowhere/procedures.json", "procedure catalogue", "catalogue"),
        ("DATABASE", "CORRUPT", "database", "backup"),
        ("CENTRAL_URL", "http://127.0.0.1:9", "central system", "network"),
    ],
)
def test_doctor_names_the_fix_for_each_part_that_is_missing_or_broken(
    capsys, monkeypatch, tmp_path, variable, value, part, fix_mentions
) -> None:
    if value == "CORRUPT":
        value = str(tmp_path / "store.sqlite3")
        Path(value).write_bytes(b"not a database" * 100)
    monkeypatch.setenv(f"WORKSTATION_{variable}", value)
    _, out, _ = run(capsys, "doctor", "--json")
    check = next(c for c in json.loads(out)["checks"] if c["part"] == part)
    assert check["status"] in {"missing", "failed"}
    assert fix_mentions in check["fix"]


def test_doctor_names_the_fix_for_a_missing_tesseract(capsys, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_TESSERACT", "tesseract-that-is-not-installed")
    code, out, _ = run(capsys, "doctor", "--json")
    assert code == 4
    tesseract = next(c for c in json.loads(out)["checks"] if c["part"] == "tesseract")
    assert tesseract["status"] == "missing" and tesseract["blocking"]
    assert "tesseract-ocr" in tesseract["fix"]


def test_doctor_reports_an_unreachable_central_system(capsys, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", "http://127.0.0.1:9")
    _, out, _ = run(capsys, "doctor", "--json")
    central = next(c for c in json.loads(out)["checks"] if c["part"] == "central system")
    assert central["status"] == "failed" and "unreachable" in central["summary"]


def test_demo_runs_end_to_end_and_says_where_its_outputs_are(tmp_path) -> None:
    folder = tmp_path / "demo"
    result = subprocess.run(
        [*WORKSTATION, "demo", "--folder", str(folder), "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dossiers_in_store"] == 3
    assert [d["page_count"] for d in report["dossiers"]] == [1, 2, 3]
    created = [m for m in report["outbox_pending"] if m["kind"] == "dossier.created"]
    assert {m["entity_id"] for m in created} == {d["id"] for d in report["dossiers"]}
    for output in report["outputs"]:
        assert Path(output).is_file()
    assert Path(report["database"]).is_relative_to(folder)
    # The outbox left for a local reference server started for the demo, and arrived.
    assert report["central"]["url"].startswith("http://127.0.0.1:")
    # Every message was delivered, the document added after its dossier was created too.
    assert "document.added" in {m["kind"] for m in report["outbox_pending"]}
    sent = len(report["outbox_pending"])
    assert (report["central"]["sent"], report["central"]["arrived"]) == (sent, 3)
    assert (report["central"]["waiting"], report["central"]["needs_attention"]) == (0, 0)
    assert (folder / "central" / "central.db").is_file()


def test_demo_writes_nothing_outside_its_own_folder(tmp_path, home) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--folder", str(folder)]) == 0
    assert (folder / "data" / "demo-token").is_dir()  # the demo token is the demo's own
    officer_data = home / "data"
    assert not (officer_data / "demo-token").exists()
    assert not (officer_data / "store.sqlite3").exists()


def test_demo_folder_is_a_workstation_home_the_window_can_open(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "demo-home"
    assert main(["demo", "--folder", str(folder)]) == 0
    monkeypatch.setenv("WORKSTATION_HOME", str(folder))
    from workstation.services import open_services

    services = open_services()
    try:
        with services.database.transaction() as session:
            from workstation.store.dossiers import count_dossiers

            assert count_dossiers(session) == 3
    finally:
        services.close()


def test_search_wildcards_match_only_themselves(capsys, add_by_command) -> None:
    for name in ("Đỗ Văn An", "Hồ Thị 100%"):
        assert add_by_command(name) == 0
    capsys.readouterr()
    # Names are searched by their words: "%" alone is no word and finds nothing, never all.
    for search, expected in (("%", 0), ("_", 0), ("100%", 1), ("do van", 1)):
        _, out, _ = run(capsys, "dossier", "list", "--search", search, "--json")
        assert json.loads(out)["total"] == expected, search


def test_demo_refuses_to_clear_a_folder_it_did_not_make(capsys, tmp_path) -> None:
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "luan-van.docx").write_text("months of work")
    code, _, err = run(capsys, "demo", "--folder", str(folder))
    assert code == 3 and "did not make" in err
    assert (folder / "luan-van.docx").read_text() == "months of work"
    again = tmp_path / "demo"
    assert main(["demo", "--folder", str(again)]) == 0
    assert main(["demo", "--folder", str(again)]) == 0  # its own folder is cleared and refilled


def test_unwritable_log_folder_does_not_stop_a_command(tmp_path, monkeypatch) -> None:
    home = tmp_path / "home"
    (home).mkdir()
    (home / "logs").write_text("a file where the log folder should be")
    env = dict(os.environ, WORKSTATION_HOME=str(home))
    result = subprocess.run(
        [*WORKSTATION, "dossier", "list"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0
    assert "cannot write the log" in result.stderr


def test_broken_settings_file_is_one_line_and_exit_3(tmp_path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("log_level = 5\n")
    env = dict(os.environ, WORKSTATION_HOME=str(home))
    result = subprocess.run(
        [*WORKSTATION, "dossier", "list"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "log_level" in result.stderr


def test_dossier_is_found_by_the_short_number_shown_before_a_code_is_issued(
    capsys, add_by_command
) -> None:
    from workstation.domain import short_number

    assert add_by_command("Vũ Thị Thu") == 0
    assert add_by_command("Hà Văn Nam") == 0
    capsys.readouterr()
    _, out, _ = run(capsys, "dossier", "list", "--json")
    listed = {d["number"]: d["id"] for d in json.loads(out)["dossiers"]}
    assert sorted(listed) == [1, 2]
    for typed in ("#000001", "#1", "000001"):
        _, out, _ = run(capsys, "dossier", "list", "--search", typed, "--json")
        assert [d["id"] for d in json.loads(out)["dossiers"]] == [listed[1]], typed
    for typed in (short_number(1), "1", listed[1]):
        code, out, _ = run(capsys, "dossier", "show", typed, "--json")
        assert code == 0 and json.loads(out)["id"] == listed[1], typed
    # The start of an id is no reference: it used to be the short number, and collided.
    code, _, _ = run(capsys, "dossier", "show", listed[1][:8])
    assert code == 3
    # (Up to the first dash: a prefix of bare digits such as "02" is short number 2, rightly.)
    _, out, _ = run(capsys, "dossier", "list", "--search", listed[2][:13], "--json")
    assert listed[2] not in [d["id"] for d in json.loads(out)["dossiers"]]


def test_a_search_too_long_to_be_a_name_or_code_is_bad_input(capsys) -> None:
    code, _, err = run(capsys, "dossier", "list", "--search", "a" * 50_000)
    assert code == 3 and "at most 200" in err


def imported_modules(*argv: str, home: Path) -> set[str]:
    """The modules ``workstation ARGV`` imports, from ``python -X importtime``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSTATION_")}
    env["WORKSTATION_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workstation", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line.split("|")[-1].strip() for line in result.stderr.splitlines()]
    return {line for line in lines if line and " " not in line}


def test_version_is_answered_before_settings_logging_or_the_store_load(tmp_path) -> None:
    modules = imported_modules("--version", home=tmp_path / "home")
    assert "workstation" in modules
    heavy = {"workstation.config", "workstation.logs", "logging", "sqlalchemy", "argparse"}
    assert not modules & heavy


def test_help_and_listing_an_up_to_date_store_do_not_load_alembic_or_decoders(
    tmp_path, add_by_command
) -> None:
    home = Path(os.environ["WORKSTATION_HOME"])
    assert add_by_command("Lò Văn Páo") == 0  # the store exists, at the newest revision
    assert not imported_modules("dossier", "--help", home=home) & {"sqlalchemy", "alembic"}
    modules = imported_modules("dossier", "list", home=home)
    assert "sqlalchemy" in modules  # the store was really opened
    assert not modules & {"alembic", "PIL", "cv2", "numpy", "pypdf", "pypdfium2"}


def test_doctor_reports_an_unusable_setting_and_still_runs_every_check(
    capsys, folders, monkeypatch
) -> None:
    from workstation.__main__ import main as program

    path = folders.config / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('language = "fr"\n', encoding="utf-8")
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        program(["doctor", "--json"])  # the real entry point: settings are loaded before
    finally:
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
            handler.close()
    report = json.loads(capsys.readouterr().out)
    settings = [c for c in report["checks"] if c["part"] == "settings"]
    assert [(c["status"], c["facts"]["setting"]) for c in settings] == [("failed", "language")]
    assert "correct 'language' in" in settings[0]["fix"]
    assert {"tesseract", "database", "log folder"} <= {c["part"] for c in report["checks"]}
    assert report["ok"] is False


def test_output_cut_short_by_the_reader_ends_without_a_traceback(tmp_path, add_by_command):
    env = dict(os.environ)
    for number in range(3):
        assert add_by_command(f"Hà Thị Mai {number}") == 0
    reader = subprocess.Popen(
        [*WORKSTATION, "dossier", "list"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None
    reader.stdout.close()  # as `| head -0` would
    _, err = reader.communicate(timeout=60)
    assert b"Traceback" not in err


def test_a_full_disk_under_the_log_costs_one_warning_line_not_tracebacks(tmp_path) -> None:
    home = tmp_path / "home"
    (home / "logs").mkdir(parents=True)
    (home / "logs" / "workstation-cli.log").symlink_to("/dev/full")  # writes: ENOSPC
    env = dict(os.environ, WORKSTATION_HOME=str(home), WORKSTATION_LOG_LEVEL="DEBUG")
    result = subprocess.run(
        [*WORKSTATION, "demo", "--folder", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0
    assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: cannot write the log") and "No space left" in warning
