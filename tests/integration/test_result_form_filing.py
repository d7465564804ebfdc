"""A confirmed result-form scan filed as the dossier's electronic result: a RESULT document
with its values as data, stored and queued in one transaction."""

from __future__ import annotations

import random

import cv2
import pytest

from tests.integration.test_result_forms import filled
from tests.store_helpers import received_dossier
from workstation.resultforms import synthetic
from workstation.resultforms.filing import file_result_form
from workstation.resultforms.recognise import recognise_form
from workstation.store.documents import results_of
from workstation.store.outbox import MessageKind, pending

pytestmark = pytest.mark.integration


def confirmed_scan(name: str = "household-business", seed: int = 3):
    template, _values, page = filled(name, seed)
    recognition = recognise_form(template, synthetic.distort(page, random.Random(seed)))
    values = {k: v.value for k, v in recognition.fields.items()}
    return template, recognition, values


def test_confirmed_result_form_is_stored_as_the_dossiers_result_and_queued(services) -> None:
    dossier = received_dossier(services.database)
    template, recognition, values = confirmed_scan()
    values["owner_name"] = "Nguyễn Thị Hà"  # the officer's correction wins over the reading
    result = file_result_form(
        services.database, services.blobs, str(dossier.number), template, recognition, values
    )
    serial = next(f.name for f in template.fields if f.type == "serial")
    with services.database.reading() as session:
        [(row, document)] = results_of(session, dossier.id)
        [message] = [m for m in pending(session) if m.kind == MessageKind.DOCUMENT_ADDED]
    assert row.id == result.id and row.number_symbol == values[serial] and row.signer == ""
    assert document.kind == "result" and document.component_id is None
    assert services.blobs.read(document.sha256).startswith(b"%PDF")
    assert message.entity_id == dossier.id
    assert message.payload["document"]["kind"] == "result"
    assert message.payload["result"]["fields"]["owner_name"] == "Nguyễn Thị Hà"
    assert message.payload["result"]["template"] == "household-business"
    assert {"digitised-result", "reusable"} <= set(message.payload["result"]["flags"])


def test_a_result_for_an_unknown_dossier_stores_and_queues_nothing(services) -> None:
    from workstation.errors import NotFound

    template, recognition, values = confirmed_scan()
    with pytest.raises(NotFound):
        file_result_form(services.database, services.blobs, "999", template, recognition, values)
    with services.database.reading() as session:
        assert pending(session) == []


def test_result_form_file_command_stores_the_officers_value_and_refuses_an_unknown_field(
    services, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from workstation.cli import main

    dossier = received_dossier(services.database)
    template, _values, page = filled("birth-extract", 2)
    image = tmp_path / "scan.png"
    cv2.imwrite(str(image), synthetic.distort(page, random.Random(2)))
    name = next(f.name for f in template.fields if f.type == "text")
    command = ["result-form", "file", "--template", "birth-extract", "--dossier"]
    command += [dossier.id, str(image), "--json"]
    assert main([*command, "--value", f"{name}=Lê Văn Tám"]) == 0
    assert json.loads(capsys.readouterr().out)["fields"][name] == "Lê Văn Tám"
    assert main([*command, "--value", "no_such_field=1"]) == 3
    with services.database.reading() as session:
        assert len(results_of(session, dossier.id)) == 1
