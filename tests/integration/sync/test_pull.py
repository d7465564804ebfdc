"""Reading back from the central system: its catalogue replaces the bundled one and its
statistics targets the shipped ones (every version with its effective dates), and statuses
it sets reach the dossiers held here."""

from __future__ import annotations

import copy
import json
from datetime import date

import httpx
import pytest

from tests.integration.sync.conftest import PASSWORD, central_command, workstation
from workstation.domain import DossierStatus
from workstation.paths import resources_dir
from workstation.services import open_services
from workstation.store.models import DossierRow, OutboxRow

pytestmark = pytest.mark.integration


def _sign_in(central) -> None:
    login = workstation(
        "login", "--server", central.url, "--user", "canbo1", "--password-stdin", stdin=PASSWORD
    )
    assert login.returncode == 0, login.stderr


def _sync(central) -> dict:
    done = workstation("sync", "--server", central.url, "--once", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    return {**summary, **summary["received"]}


def test_the_central_catalogue_replaces_the_bundled_one_keeping_each_versions_dates(
    central, tmp_path, settings, folders
):
    bundled = json.loads((resources_dir() / "catalogue" / "procedures.json").read_text("utf-8"))
    first = copy.deepcopy(bundled["procedures"][0])
    first.update(code="9.000001", version=1, name="Thủ tục tỉnh, bản 1")
    first.update(effective_from="2020-01-01", effective_to="2026-06-30")
    second = copy.deepcopy(first)
    second.update(version=2, name="Thủ tục tỉnh, bản 2", effective_from="2026-07-01")
    del second["effective_to"]
    published = tmp_path / "catalogue.json"
    published.write_text(json.dumps({"procedures": [first, second]}), encoding="utf-8")
    done = central_command("publish-catalogue", "--data", str(central.data), str(published))
    assert done.returncode == 0, done.stderr

    _sign_in(central)
    assert _sync(central)["catalogue_updated"] is True
    assert _sync(central)["catalogue_updated"] is False  # unchanged: not downloaded again

    services = open_services(settings, folders)
    try:
        catalogue = services.catalogue
        assert len(catalogue) == 1  # the province's one procedure, not the bundled 24
        assert catalogue.get("9.000001", on=date(2026, 3, 1)).name == "Thủ tục tỉnh, bản 1"
        assert catalogue.get("9.000001", on=date(2026, 12, 1)).name == "Thủ tục tỉnh, bản 2"
    finally:
        services.close()


def test_a_malformed_central_catalogue_is_refused_whole_and_the_bundled_one_stays(
    central, tmp_path, settings, folders
):
    broken = tmp_path / "catalogue.json"
    broken.write_text(json.dumps({"procedures": [{"code": "9.1"}]}), encoding="utf-8")
    assert (
        central_command("publish-catalogue", "--data", str(central.data), str(broken)).returncode
        == 0
    )
    _sign_in(central)
    assert _sync(central)["catalogue_updated"] is False
    services = open_services(settings, folders)
    try:
        assert services.catalogue.get("1.001193").name == "Đăng ký khai sinh"
    finally:
        services.close()


def test_a_status_the_central_system_sets_reaches_the_dossier_and_is_acknowledged(
    central, add_by_command, services
):
    assert add_by_command("Lê Thị Thu") == 0
    _sign_in(central)
    assert _sync(central)["sent"] == 2  # the dossier, then the audit log's head
    with services.database.reading() as session:
        [dossier_id] = session.query(DossierRow.id).all()[0]

    # The back office moves the dossier on (processing), as another officer of the province.
    with httpx.Client(base_url=central.url) as back_office:
        token = back_office.post("/v1/auth/login", json={"user": "canbo1", "password": PASSWORD})
        moved = back_office.post(
            f"/v1/dossiers/{dossier_id}/status",
            json={"status": 4},
            headers={
                "Authorization": f"Bearer {token.json()['access_token']}",
                "Idempotency-Key": "back-office-1",
            },
        )
        assert moved.status_code == 200

    pulled = _sync(central)
    assert pulled["statuses_applied"] == 1
    with services.database.reading() as session:
        assert DossierStatus(session.get(DossierRow, dossier_id).status) is DossierStatus.PROCESSING
        kinds = [r.kind for r in session.query(OutboxRow).order_by(OutboxRow.id)]
    assert [k for k in kinds if k != "audit.head"] == ["dossier.created", "dossier.status_received"]

    again = _sync(central)  # the acknowledgement leaves (and the head after it); nothing new
    assert (again["sent"], again["waiting"], again["statuses_applied"]) == (2, 0, 0)


def _targets(*entries: tuple[str, str, float]) -> dict:
    return {
        "illustrative": False,
        "targets": [
            {"agency": a, "effective_from": d, "source": "QĐ thử", "rates": {"online": r}}
            for a, d, r in entries
        ],
    }


def _stats(first: str, last: str, extra_env: dict[str, str] | None = None) -> dict:
    """``workstation stats --json`` for agency H99.777 over the period."""
    done = workstation(
        "stats", "--from", first, "--to", last, "--agency", "H99.777", "--json", extra_env=extra_env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_central_targets_are_kept_with_their_dates_and_preferred_by_the_statistics(
    central, tmp_path
):
    published = tmp_path / "targets.json"
    published.write_text(
        json.dumps(
            _targets(
                ("*", "2026-01-01", 0.11),
                ("H99.777", "2026-01-01", 0.33),
                ("H99.777", "2026-07-01", 0.44),
            )
        ),
        encoding="utf-8",
    )
    done = central_command("publish-targets", "--data", str(central.data), str(published))
    assert done.returncode == 0, done.stderr
    before = _stats("2026-03-01", "2026-03-31")
    assert before["targets_origin"] == "shipped"

    _sign_in(central)
    assert _sync(central)["targets_updated"] is True
    assert _sync(central)["targets_updated"] is False  # unchanged: not downloaded again

    march = _stats("2026-03-01", "2026-03-31")
    assert march["targets_origin"] == "central"
    assert march["targets_illustrative"] is False
    assert march["overall"]["measures"]["online"]["target"] == 0.33
    # Each entry keeps its effective date: the second half of the year has its own target.
    august = _stats("2026-08-01", "2026-08-31")
    assert august["overall"]["measures"]["online"]["target"] == 0.44
    # A measure the province set no target for has none (not the shipped file's).
    assert august["overall"]["measures"]["on_time"]["target"] is None


def test_malformed_targets_are_refused_by_the_server_and_by_the_workstation(
    central, tmp_path, settings, folders
):
    out_of_range = tmp_path / "targets.json"
    out_of_range.write_text(json.dumps(_targets(("*", "2026-01-01", 70))), encoding="utf-8")
    refused = central_command("publish-targets", "--data", str(central.data), str(out_of_range))
    assert refused.returncode == 3
    # Published by other means anyway: the workstation checks whole and keeps what it had.
    central.central.targets_path.write_text('{"targets": [{"agency": "*"}]}', encoding="utf-8")
    _sign_in(central)
    assert _sync(central)["targets_updated"] is False
    services = open_services(settings, folders)
    try:
        assert services.stats_targets().origin == "shipped"
    finally:
        services.close()


def test_an_administrators_targets_file_wins_over_the_central_ones(central, tmp_path):
    published = tmp_path / "central.json"
    published.write_text(json.dumps(_targets(("*", "2026-01-01", 0.33))), encoding="utf-8")
    assert (
        central_command("publish-targets", "--data", str(central.data), str(published)).returncode
        == 0
    )
    _sign_in(central)
    assert _sync(central)["targets_updated"] is True
    own = tmp_path / "own.json"
    own.write_text(json.dumps(_targets(("*", "2026-01-01", 0.55))), encoding="utf-8")
    figures = _stats("2026-03-01", "2026-03-31", extra_env={"WORKSTATION_STATS_TARGETS": str(own)})
    assert figures["targets_origin"] == "settings"
    assert figures["overall"]["measures"]["online"]["target"] == 0.55
