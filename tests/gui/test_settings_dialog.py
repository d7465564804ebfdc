"""The settings dialog: every field, documented tooltips, saved to settings.toml."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from workstation.config import field_docs, load_settings
from workstation.i18n import tr
from workstation.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui

URL = "https://motcua.ninhbinh.gov.vn/api"


@pytest.fixture
def dialog(qtbot, settings, folders) -> SettingsDialog:
    dialog = SettingsDialog(settings, folders)
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


def test_every_setting_has_an_editor_a_label_and_a_tooltip(dialog):
    names = [name for name in field_docs() if name != "version"]
    assert list(dialog.editors) == names
    for name in names:
        assert dialog.editor(name).toolTip() == tr(f"settings.doc.{name}")
    assert dialog.editor("database").toolTip().startswith("Tệp SQLite của kho dữ liệu")


def test_tooltips_are_the_field_documentation_in_english(qtbot, settings, folders):
    from workstation import i18n

    i18n.set_language("en")
    dialog = SettingsDialog(settings, folders)
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
