"""The interface's messages: every key in both languages, every key the code uses exists."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pytest

import workstation.ui
from workstation.config import field_docs
from workstation.i18n import catalogue
from workstation.paths import resources_dir

pytestmark = pytest.mark.gui

UI_SOURCES = Path(workstation.ui.__file__).parent


def ui_catalogue(language: str) -> dict[str, str]:
    return json.loads((resources_dir() / "i18n" / language / "ui.json").read_text("utf-8"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_ui_key_is_in_both_languages_with_the_same_fields():
    vi, en = ui_catalogue("vi"), ui_catalogue("en")
    assert set(vi) == set(en)
    for key in vi:
        assert vi[key].strip() and en[key].strip(), key
        assert fields(vi[key]) == fields(en[key]), key


def test_vietnamese_texts_carry_their_diacritics():
    vi = ui_catalogue("vi")
    assert vi["dossiers.new"] == "Tiếp nhận hồ sơ mới"
    assert vi["status.outbox_pending"] == "Chờ gửi: {count}"
    assert vi["menu.tools.settings"] == "&Cài đặt…"


def literal_keys() -> set[str]:
    keys = set()
    for path in UI_SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {
                "BadInput",
                "ConfigError",
            }:
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        keys.add(f"error.{keyword.value.value}")
    return keys


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_key_the_interface_uses_exists(language):
    messages = catalogue(language)
    keys = literal_keys()
    keys |= {f"dossiers.column.{c}" for c in ("received_at", "code", "procedure", "applicant")}
    keys |= {"dossiers.column.status", "section.dossiers"}
    keys |= {f"dossier.detail.{n}" for n in ("procedure", "code", "applicant", "id_number")}
    keys |= {f"dossier.detail.{n}" for n in ("status", "received_at", "channel")}
    keys |= {f"settings.field.{n}" for n in field_docs() if n != "version"}
    keys |= {f"settings.doc.{n}" for n in field_docs() if n != "version"}
    keys |= {"settings.language.vi", "settings.language.en"}
    assert len(keys) > 80
    assert sorted(k for k in keys if k not in messages) == []
