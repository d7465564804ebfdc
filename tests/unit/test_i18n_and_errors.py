"""The message catalogue is complete in both languages and covers every error code."""

from __future__ import annotations

import re
import string

import pytest

from workstation import i18n
from workstation.errors import BadInput, ExitCode, StoreError, WorkstationError
from workstation.paths import resources_dir

SOURCE = resources_dir().parent / "src" / "workstation"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_has_every_vietnamese_message_and_no_extra_one() -> None:
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    assert set(vi) - set(en) == set(), "messages missing in English"
    assert set(en) - set(vi) == set(), "English messages with no Vietnamese original"


def test_translations_use_the_same_placeholders() -> None:
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    for key, text in vi.items():
        assert _fields(text) == _fields(en[key]), key


def test_every_error_code_raised_in_the_code_has_a_message() -> None:
    codes = set()
    for path in SOURCE.rglob("*.py"):
        codes |= set(re.findall(r'code="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    codes |= {cls.code for cls in (WorkstationError, BadInput, StoreError)}
    assert len(codes) > 20
    missing = sorted(c for c in codes if f"error.{c}" not in i18n.catalogue("vi"))
    assert missing == []


def test_user_message_is_vietnamese_by_default_and_english_on_request() -> None:
    error = BadInput("file x.pdf is damaged", code="file.pdf_damaged", name="x.pdf")
    assert error.user_message() == (
        "Tệp PDF x.pdf bị hỏng, không đọc được. Vui lòng quét lại hoặc chọn tệp khác."
    )
    assert "damaged" in error.user_message("en")
    assert str(error) == "file x.pdf is damaged"
    assert error.exit_code == ExitCode.BAD_INPUT


def test_interface_language_switch_changes_messages() -> None:
    i18n.set_language("en")
    assert i18n.tr("dossier_status.2") == "Received"
    i18n.set_language("vi")
    assert i18n.tr("dossier_status.2") == "Đã tiếp nhận"


def test_unknown_key_shows_itself_rather_than_crashing() -> None:
    assert i18n.tr("no.such.message") == "no.such.message"


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_an_error_crosses_a_process_boundary_whole() -> None:
    from workstation.errors import ConfigError, NotFound
    from workstation.workers import process_pool

    with process_pool(1) as pool:
        for error in (
            NotFound("no dossier x", code="dossier.not_found", dossier="x"),
            ConfigError("bad", code="config.invalid_value", name="language", value="fr"),
        ):
            future = pool.submit(_raise, error)
            with pytest.raises(type(error)) as caught:
                future.result(timeout=60)
            assert caught.value.code == error.code
            assert caught.value.params == error.params
            assert caught.value.detail == error.detail


def _raise(error: Exception) -> None:
    raise error
