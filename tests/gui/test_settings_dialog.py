"""The settings dialog: every field, documented tooltips, saved to settings.toml."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from workstation.config import Settings, field_docs, load_settings, save_settings, settings_file
from workstation.i18n import tr
from workstation.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui

URL = "https://motcua.ninhbinh.gov.vn/api"


@pytest.fixture
def dialog(qtbot, folders) -> SettingsDialog:
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save_button(dialog: SettingsDialog):
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Save)


def test_saving_a_changed_central_url_writes_the_settings_file(qtbot, dialog, folders):
    dialog.editor("central_url").setText(URL)
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert blocker.args[0].central_url == URL
    assert load_settings(folders).central_url == URL
    assert not dialog.isVisible()


def test_an_address_that_is_not_http_is_refused_inline(qtbot, dialog, folders):
    dialog.editor("central_url").setText("motcua.ninhbinh.gov.vn")
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.save()
    assert dialog.error_label.text() == tr("error.settings.invalid_url")
    assert dialog.isVisible()
    assert load_settings(folders).central_url == ""


def test_plain_http_to_another_machine_is_refused_inline(qtbot, dialog, folders):
    dialog.editor("central_url").setText("http://motcua.ninhbinh.gov.vn/api")
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.save()
    assert "https://" in dialog.error_label.text()
    assert dialog.isVisible()
    assert load_settings(folders).central_url == ""


def test_every_setting_has_an_editor_a_label_and_a_tooltip(dialog):
    names = [name for name in field_docs() if name != "version"]
    assert list(dialog.editors) == names
    for name in names:
        assert dialog.editor(name).toolTip() == tr(f"settings.doc.{name}")
    assert dialog.editor("database").toolTip().startswith("Tệp SQLite của kho dữ liệu")


def test_tooltips_are_the_field_documentation_in_english(qtbot, folders):
    from workstation import i18n

    i18n.set_language("en")
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    for name, doc in field_docs().items():
        if name != "version":
            assert dialog.editor(name).toolTip() == doc


def test_language_choice_is_saved_and_applies_at_next_start(qtbot, dialog, folders):
    language = dialog.editor("language")
    assert isinstance(language, QComboBox)
    assert [language.itemText(i) for i in range(language.count())] == ["Tiếng Việt", "English"]
    assert language.currentData() == "vi"
    language.setCurrentIndex(language.findData("en"))
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    assert load_settings(folders).language == "en"
    assert "lần khởi động sau" in tr("settings.restart_note")


def open_dialog(qtbot, folders) -> SettingsDialog:
    dialog = SettingsDialog(folders)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_field_overridden_by_the_environment_is_not_written_to_the_file(
    qtbot, folders, monkeypatch
):
    save_settings(Settings(central_url=URL, language="vi"), folders)
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", "http://localhost:9999/test")
    monkeypatch.setenv("WORKSTATION_LANGUAGE", "en")
    dialog = open_dialog(qtbot, folders)

    # The editor shows the file's value, disabled, with a note naming the variable.
    editor = dialog.editor("central_url")
    assert editor.text() == URL
    assert not editor.isEnabled()
    assert dialog.editor("language").currentData() == "vi"
    assert not dialog.editor("language").isEnabled()
    assert set(dialog.override_notes) == {"central_url", "language"}
    note = dialog.override_notes["central_url"]
    assert note.isVisible()
    assert note.text() == tr("settings.env_override", variable="WORKSTATION_CENTRAL_URL")
    assert "WORKSTATION_CENTRAL_URL" in note.text()
    assert "lần chạy này" in note.text()
    assert dialog.editor("tesseract").isEnabled()

    editor.setText("https://changed.example/api")  # even if the text were changed somehow
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)

    saved = load_settings(folders, environ={})
    assert saved.central_url == URL
    assert saved.language == "vi"
    assert blocker.args[0] == saved
    assert "localhost:9999" not in settings_file(folders).read_text(encoding="utf-8")


def test_a_changed_field_that_is_not_overridden_is_written(qtbot, folders, monkeypatch):
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", "http://localhost:9999/test")
    dialog = open_dialog(qtbot, folders)
    assert dialog.editor("central_url").text() == ""
    dialog.editor("tesseract").setText("/opt/tesseract/bin/tesseract")
    dialog.editor("log_level").setCurrentIndex(dialog.editor("log_level").findData("DEBUG"))
    with qtbot.waitSignal(dialog.settings_saved):
        dialog.save()
    saved = load_settings(folders, environ={})
    assert saved.tesseract == "/opt/tesseract/bin/tesseract"
    assert saved.log_level == "DEBUG"
    assert saved.central_url == ""
    assert load_settings(folders).central_url == "http://localhost:9999/test"


def test_without_overrides_no_field_is_disabled(dialog):
    assert dialog.override_notes == {}
    assert all(editor.isEnabled() for editor in dialog.editors.values())


def test_the_override_note_is_translated(qtbot, folders, monkeypatch):
    from workstation import i18n

    monkeypatch.setenv("WORKSTATION_TESSERACT", "/usr/local/bin/tesseract")
    i18n.set_language("en")
    dialog = open_dialog(qtbot, folders)
    assert dialog.override_notes["tesseract"].text() == (
        "Set by the environment variable WORKSTATION_TESSERACT for this run; "
        "the value in the settings file is kept."
    )


def test_an_unreadable_settings_file_is_not_replaced(qtbot, folders):
    path = settings_file(folders)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("language = [broken", encoding="utf-8")
    dialog = open_dialog(qtbot, folders)
    assert dialog.error_label.isVisible()
    assert not save_button(dialog).isEnabled()
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.save()
    assert path.read_text(encoding="utf-8") == "language = [broken"


SYSTEM_CHECK_ONLY = ("tesseract", "ocr_languages", "pkcs11_module", "central_url")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_settings_only_the_system_check_reads_say_so(qtbot, folders, language):
    from workstation import i18n

    i18n.set_language(language)
    dialog = open_dialog(qtbot, folders)
    assert set(dialog.usage_notes) == set(SYSTEM_CHECK_ONLY)
    expected = "(dùng cho kiểm tra hệ thống)" if language == "vi" else "(used by the system check)"
    for name in SYSTEM_CHECK_ONLY:
        assert dialog.usage_notes[name].text() == expected
        assert dialog.usage_notes[name].isVisible()


def test_the_system_check_does_read_those_settings():
    """The note is true: ``workstation doctor`` checks what each of these settings names."""
    from workstation.doctor.local import check_central
    from workstation.doctor.machine import check_pkcs11
    from workstation.doctor.programs import check_ocr_languages, check_tesseract

    odd = Settings(
        tesseract="/nowhere/tesseract-x",
        ocr_languages="vie+xyz",
        pkcs11_module="/nowhere/libtoken-x.so",
        central_url="",
    )
    assert "tesseract-x" in check_tesseract(odd).summary
    assert "tesseract-ocr-xyz" in check_ocr_languages(odd).fix
    assert "libtoken-x" in check_pkcs11(odd).summary
    assert "not configured" in check_central(odd).summary


def test_enter_saves_and_escape_cancels(qtbot, folders):
    dialog = open_dialog(qtbot, folders)
    dialog.editor("central_url").setText(URL)
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.keyClick(dialog.editor("central_url"), Qt.Key.Key_Return)
    assert load_settings(folders).central_url == URL

    dialog = open_dialog(qtbot, folders)
    dialog.editor("central_url").setText("https://other.example/api")
    with qtbot.assertNotEmitted(dialog.settings_saved), qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.editor("central_url"), Qt.Key.Key_Escape)
    assert load_settings(folders).central_url == URL


def test_a_file_that_is_no_database_is_refused_as_the_store(qtbot, dialog, folders, tmp_path):
    chosen_by_mistake = tmp_path / "ho-so.pdf"
    chosen_by_mistake.write_bytes(b"%PDF-1.4 a scanned dossier")
    dialog.editor("database").setText(str(chosen_by_mistake))
    save_button(dialog).click()
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith('Thiết lập "database" không dùng được')
    assert not settings_file(folders).exists()
