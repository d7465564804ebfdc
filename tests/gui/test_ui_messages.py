"""The interface's messages: every key in both languages, every key the code uses exists."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

import workstation.ui
from workstation.config import field_docs
from workstation.domain.text import fold
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


def words(text: str) -> list[str]:
    """The words of a message, without its fields, markup, file patterns and key hints."""
    text = re.sub(r"\{[^}]*\}|<[^>]*>|\*\.\w+|\([A-Z0-9+#]+\)", " ", text)
    return re.findall(r"[^\W\d_]{2,}", text.replace("&", ""))


def test_vietnamese_texts_carry_their_diacritics():
    # A text typed without its accents ("Ho so") reads wrong to the officer; every
    # Vietnamese text of more than one word has at least one accented letter.
    vi, en = ui_catalogue("vi"), ui_catalogue("en")
    bare = [
        key
        for key, text in vi.items()
        if text != en[key] and len(words(text)) > 1 and fold(text) == " ".join(text.lower().split())
    ]
    assert bare == []
    assert vi["dossiers.new"] == "Tiếp nhận hồ sơ mới"
    assert vi["status.outbox_pending"] == "Chờ gửi: {count}"


def test_english_texts_have_no_plural_guesses():
    en = ui_catalogue("en")
    assert [k for k, text in en.items() if "(s)" in text] == []
    assert en["dossiers.count.one"] == "{count} dossier"
    assert en["dossiers.count.other"] == "{count} dossiers"


def test_counted_vietnamese_texts_have_one_form():
    vi = ui_catalogue("vi")
    for key in vi:
        if key.endswith(".one"):
            assert vi[key] == vi[key.removesuffix(".one") + ".other"], key


def literal_keys() -> set[str]:
    keys = set()
    for path in UI_SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"tr", "tr_count"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                key = node.args[0].value
                if node.func.id == "tr_count":
                    keys |= {f"{key}.one", f"{key}.other"}
                else:
                    keys.add(key)
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


def test_page_rendering_uses_no_widgets():
    # render.py runs on worker threads, where widgets must never be made.
    source = (UI_SOURCES / "dossiers" / "render.py").read_text("utf-8")
    assert "QtWidgets" not in source
