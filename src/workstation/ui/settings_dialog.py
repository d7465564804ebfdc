"""The settings dialog: edits ``settings.toml`` field by field.

Fields come from :func:`workstation.config.field_docs`, so a new setting shows
up here as a text field without touching this module; its label and tooltip
are ``settings.field.<name>`` and ``settings.doc.<name>`` in the catalogue
(falling back to the English documentation of the field). The running window
keeps the settings it started with: a change of language or store applies at
the next start, and the dialog says so.

The dialog edits the file's own values (``load_settings(folders, environ={})``),
never the settings in effect: a field overridden for this run by an environment
variable ``WORKSTATION_<NAME>`` is shown disabled with a note naming the
variable, and saving keeps the file's value for it, so a variable set for one
run is never written into ``settings.toml``. A field an administrator locked
for every officer of the machine (the machine-wide settings file) is shown with
the locked value, disabled, with a note saying so; saving keeps the officer's
file's own value for it, which the lock goes on overriding.

Some settings are not used by anything in the window yet: the Tesseract
program and OCR languages, the signing token's PKCS#11 library and the central
system's address are read only by the system check (``workstation doctor``),
and the dialog says so under each of them rather than let them look live.

A file that cannot be read at all is not replaced, except when the officer
opens the dialog from the start-up notice of broken settings
(:class:`SettingsProblemDialog`): then saving keeps the broken file aside as
``settings.toml.unreadable`` and writes a fresh one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.config import (
    ENV_PREFIX,
    NOTIFICATIONS,
    SIGNATURE_LEVELS,
    SettingProblem,
    Settings,
    field_docs,
    load_settings,
    locked_settings,
    save_settings,
    settings_file,
)
from workstation.errors import ConfigError, WorkstationError
from workstation.i18n import LANGUAGES, catalogue, current_language, tr
from workstation.paths import Folders, machine_settings_file
from workstation.services import check_locations
from workstation.tls import require_secure_url
from workstation.ui.errors import reporter, user_message

log = logging.getLogger(__name__)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FILE_FIELDS = {
    "database",
    "catalogue",
    "tesseract",
    "pkcs11_module",
    "central_ca_file",
    "recovery_public_key_file",
}
FOLDER_FIELDS = {"blob_folder"}
HIDDEN_FIELDS = {"version"}
SYSTEM_CHECK_FIELDS = {"tesseract", "ocr_languages", "pkcs11_module", "central_url"}
"""Settings only ``workstation doctor`` reads so far (nothing in the window uses them yet)."""


def overriding_variables(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field name → the ``WORKSTATION_<NAME>`` variable that overrides it in ``environ``.

    ``environ`` defaults to this process's environment.
    """
    environ = os.environ if environ is None else environ
    variables = {name: ENV_PREFIX + name.upper() for name in field_docs()}
    return {
        name: variable
        for name, variable in variables.items()
        if name not in HIDDEN_FIELDS and variable in environ
    }


class PathEdit(QWidget):
    """A path in a line edit, with a button that opens the file or folder chooser."""

    def __init__(self, folder: bool, parent: QWidget | None = None, new_file: bool = False) -> None:
        super().__init__(parent)
        self.folder = folder
        self.new_file = new_file  # the chooser may name a file that does not exist yet
        self.line_edit = QLineEdit()
        self.line_edit.setPlaceholderText(tr("settings.default_placeholder"))
        self.line_edit.setClearButtonEnabled(True)
        browse = QToolButton()
        browse.setText(tr("common.browse"))
        browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(browse)

    def text(self) -> str:
        return self.line_edit.text().strip()

    def setText(self, text: str) -> None:  # mirrors QLineEdit
        self.line_edit.setText(text)

    def _browse(self) -> None:
        start = str(Path(self.text()).parent) if self.text() else ""
        if self.folder:
            chosen = QFileDialog.getExistingDirectory(self, tr("settings.choose_folder"), start)
        elif self.new_file:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                tr("settings.choose_file"),
                start,
                options=QFileDialog.Option.DontConfirmOverwrite,
            )
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, tr("settings.choose_file"), start)
        if chosen:
            self.line_edit.setText(chosen)


class SettingsDialog(QDialog):
    """Edits the settings file; ``settings_saved(Settings)`` after a successful save.

    ``settings`` is the file's own settings (no environment override applied);
    ``overridden`` maps each field overridden in this run to its variable.
    """

    settings_saved = Signal(object)

    def __init__(
        self,
        folders: Folders,
        parent: QWidget | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        replace_unreadable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.folders = folders
        self.unreadable_aside: Path | None = None  # where a replaced unreadable file goes
        self.setWindowTitle(tr("settings.title"))
        self.editors: dict[str, QWidget] = {}
        self.override_notes: dict[str, QLabel] = {}
        self.lock_notes: dict[str, QLabel] = {}
        self.usage_notes: dict[str, QLabel] = {}
        self.overridden = overriding_variables(environ)
        try:
            self.locked = locked_settings()
        except WorkstationError as exc:  # the window runs unlocked then, and so does this
            log.error("machine-wide settings not shown: [%s] %s", exc.code, exc.detail)
            self.locked = {}
        load_error: WorkstationError | None = None
        try:
            self.settings = load_settings(folders, environ={}, locked={})
        except WorkstationError as exc:
            log.warning("settings file not loaded: [%s] %s", exc.code, exc.detail)
            load_error = exc
            self.settings = Settings()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for name, doc in field_docs().items():
            if name in HIDDEN_FIELDS:
                continue
            value = self.locked.get(name, getattr(self.settings, name))
            editor = self._editor(name, str(value))
            editor.setToolTip(self._doc(name, doc))
            label = QLabel(tr(f"settings.field.{name}"))
            label.setToolTip(editor.toolTip())
            self.editors[name] = editor
            form.addRow(label, self._row(name, editor))

        note = QLabel(tr("settings.restart_note"))
        note.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("common.save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("common.cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        if load_error is not None and replace_unreadable:
            path = settings_file(folders)
            self.unreadable_aside = path.with_name(path.name + ".unreadable")
            self._show_error(
                user_message(load_error)
                + "\n"
                + tr("diag.settings.replace_unreadable", path=str(self.unreadable_aside))
            )
        elif load_error is not None:
            # Saving now would replace a file this dialog could not read.
            self._show_error(user_message(load_error))
            self.save_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def _row(self, name: str, editor: QWidget) -> QWidget:
        """``editor``, over the notes that apply to the field, if any.

        A field the administrator locked, or one overridden by an environment
        variable, is disabled, with a note saying which; a field only the
        system check reads says so.
        """
        notes: list[QLabel] = []
        if name in self.locked:
            editor.setEnabled(False)
            note = QLabel(tr("settings.locked", path=str(machine_settings_file())))
            self.lock_notes[name] = note
            notes.append(note)
        elif name in self.overridden:
            editor.setEnabled(False)
            note = QLabel(tr("settings.env_override", variable=self.overridden[name]))
            self.override_notes[name] = note
            notes.append(note)
        if name in SYSTEM_CHECK_FIELDS:
            note = QLabel(tr("settings.system_check_only"))
            note.setEnabled(False)  # drawn muted: a remark, not a value
            self.usage_notes[name] = note
            notes.append(note)
        if not notes:
            return editor
        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        for note in notes:
            note.setWordWrap(True)
            layout.addWidget(note)
        return row

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    @staticmethod
    def _doc(name: str, english: str) -> str:
        key = f"settings.doc.{name}"
        return tr(key) if key in catalogue(current_language()) else english

    def _editor(self, name: str, value: str) -> QWidget:
        if name == "language":
            combo = QComboBox()
            for language in LANGUAGES:
                combo.addItem(tr(f"settings.language.{language}"), language)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if name == "notifications":
            combo = QComboBox()
            for choice in NOTIFICATIONS:
                combo.addItem(tr(f"settings.notifications.{choice}"), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if name == "signature_level":
            combo = QComboBox()
            for level in SIGNATURE_LEVELS:
                combo.addItem(level or tr("settings.signature_level.auto"), level)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if name == "log_level":
            combo = QComboBox()
            for level in LOG_LEVELS:
                combo.addItem(level, level)
            combo.setCurrentIndex(max(0, combo.findData(value.upper())))
            return combo
        if name in FILE_FIELDS or name in FOLDER_FIELDS:
            path_edit = PathEdit(folder=name in FOLDER_FIELDS, new_file=name == "database")
            path_edit.setText(value)
            return path_edit
        line_edit = QLineEdit(value)
        line_edit.setClearButtonEnabled(True)
        return line_edit

    def editor(self, name: str) -> QWidget:
        """The widget editing the field ``name``."""
        return self.editors[name]

    def edited_settings(self) -> Settings:
        """The file's settings as edited; raises :class:`ConfigError` for an unusable value.

        A field overridden by an environment variable or locked by the
        administrator keeps the file's value.
        """
        changes: dict[str, str] = {}
        for name, editor in self.editors.items():
            if name in self.overridden or name in self.locked:
                continue
            if isinstance(editor, QComboBox):
                changes[name] = str(editor.currentData())
            else:
                changes[name] = editor.text().strip()  # type: ignore[attr-defined]
        url = changes.get("central_url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise ConfigError(
                f"the central system's address must start with http:// or https://, not {url!r}",
                code="settings.invalid_url",
            )
        if url:  # https, or plain http only to this machine (workstation.tls)
            require_secure_url(url, "central system")
        edited = self.settings.replace(**changes)
        check_locations(edited, self.folders)  # a bad store path must not lock the officer out
        return edited

    def save(self) -> None:
        """Write the edited settings; on a bad value say why and keep the dialog open."""
        if not self.save_button.isEnabled():
            return  # the file could not be read: do not replace it
        try:
            edited = self.edited_settings()
            self._set_unreadable_aside()
            path = save_settings(edited, self.folders)
        except WorkstationError as exc:
            log.info("settings not saved: [%s] %s", exc.code, exc.detail)
            self._show_error(user_message(exc))
            return
        except OSError as exc:
            log.warning("settings not saved: %s", exc)
            self._show_error(tr("error.settings.unwritable", path=str(exc.filename)))
            return
        log.info("settings saved to %s", path)
        self.settings = edited
        self.settings_saved.emit(edited)
        self.accept()

    def _set_unreadable_aside(self) -> None:
        """Move the unreadable settings file aside before a fresh one replaces it."""
        if self.unreadable_aside is None:
            return
        path = settings_file(self.folders)
        if path.is_file():
            os.replace(path, self.unreadable_aside)
            log.warning("unreadable settings file kept aside before saving a new one")
        self.unreadable_aside = None


class SettingsProblemDialog(QDialog):
    """Says at start-up which settings could not be used and why, over the open window.

    The window has opened on the default for each of them (for this run
    only); the officer can open the settings dialog to correct the file, or
    go on with the defaults. An environment variable's value is not in the
    file, so for it the notice names the variable to change.
    """

    def __init__(
        self,
        problems: Sequence[SettingProblem],
        folders: Folders,
        parent: QWidget | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.problems = list(problems)
        self.folders = folders
        self.environ = environ
        self.settings_dialog: SettingsDialog | None = None
        self.setWindowTitle(tr("diag.settings_problem.title"))
        self.setWindowModality(
            Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        )
        intro = QLabel(tr("diag.settings_problem.intro"))
        intro.setWordWrap(True)
        self.problem_labels: list[QLabel] = []
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for problem in self.problems:
            label = QLabel(self.describe(problem, folders))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.problem_labels.append(label)
            layout.addWidget(label)
        buttons = QDialogButtonBox()
        self.settings_button = buttons.addButton(
            tr("error.dialog.open_settings"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.settings_button.setAutoDefault(False)
        self.settings_button.clicked.connect(self.open_settings)
        self.defaults_button = buttons.addButton(
            tr("diag.settings_problem.use_defaults"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.defaults_button.setDefault(True)
        self.defaults_button.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    @staticmethod
    def describe(problem: SettingProblem, folders: Folders) -> str:
        """One problem for the officer: what is wrong, where it was set, what is expected."""
        if problem.variable:
            where = tr("diag.settings_problem.from_variable", variable=problem.variable)
        else:
            where = tr("diag.settings_problem.from_file", path=str(settings_file(folders)))
        text = f"• {user_message(problem.error)} {where}"
        if problem.name:
            text += "\n  " + tr(f"settings.doc.{problem.name}")
        elif problem.error.__cause__ is not None:  # where the file went wrong (line, column)
            reason = str(problem.error.__cause__).splitlines()[0]
            text += "\n  " + tr("diag.settings_problem.reason", reason=reason)
        return text

    def open_settings(self) -> SettingsDialog:
        """Open the settings dialog over the window; it may replace an unreadable file."""
        dialog = SettingsDialog(
            self.folders,
            self.parentWidget(),
            self.environ,
            replace_unreadable=any(not p.name for p in self.problems),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        self.accept()
        dialog.open()
        return dialog


def show_setting_problems(
    problems: Sequence[SettingProblem], folders: Folders, parent: QWidget | None
) -> SettingsProblemDialog:
    """Open the start-up notice of unusable settings over ``parent`` (non-blocking)."""
    for problem in problems:
        log.warning(
            "setting %s unusable (%s), default used for this run",
            problem.name or "file",
            problem.error.code,
        )
    dialog = SettingsProblemDialog(problems, folders, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    reporter().settings_problems_shown.emit(dialog)
    return dialog
