"""docs/forms.md says, for every form the shipped wording holds, where it comes from and
whether it still needs checking against the circular's official text."""

from __future__ import annotations

import json
import re

from workstation.forms.texts import FORM_NAMES, shipped_forms_file
from workstation.paths import resources_dir

DOCS = resources_dir().parent / "docs" / "forms.md"


def _shipped_forms() -> dict[str, dict]:  # type: ignore[type-arg]
    document = json.loads(shipped_forms_file().read_text(encoding="utf-8"))
    latest = max(document["versions"], key=lambda v: v["effective_from"])
    return latest["forms"]


def test_the_shipped_wording_words_every_form_the_workstation_prints() -> None:
    assert set(_shipped_forms()) == set(FORM_NAMES)


def test_every_form_has_a_provenance_row_naming_its_number_and_its_check() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, form in _shipped_forms().items():
        [row] = [line for line in text.splitlines() if line.startswith(f"| `{name}` — ")]
        assert form["number"] in row, name
        assert ("**verify**" in row) is bool(form.get("verify")), name


def test_the_list_still_to_check_is_the_forms_marked_verify() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## What still needs checking against the official text")[1]
    paragraph = section.split("\n\n")[1]
    listed = set(re.findall(r"[a-z-]+", paragraph.split("**")[1]))
    assert listed == {name for name, form in _shipped_forms().items() if form.get("verify")}
