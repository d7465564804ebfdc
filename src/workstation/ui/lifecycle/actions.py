"""The life-cycle actions of the Dossiers section: one ``QAction`` per step, each with a shortcut.

=====================  ================  =====
action                 shortcut          form
=====================  ================  =====
request supplement     Ctrl+Shift+B      02
supplement received    Ctrl+Shift+N      01 (new appointment; its papers by component)
refuse                 Ctrl+Shift+T      03
apologise, extend      Ctrl+Shift+G      04
stop on request        Ctrl+Shift+D      05
control slip           Ctrl+Shift+K      06
register               Ctrl+Shift+S      07
=====================  ================  =====

:meth:`LifecycleActions.set_dossier` enables the actions the dossier's status
allows (:func:`workstation.lifecycle.allowed_steps`), and
:meth:`LifecycleActions.apply_officer` only for an officer holding the
counter officer's role (the life cycle is counter work; the tooltip names the
role otherwise, and the core gate refuses and records a step that gets
through anyway; the register, a printout of what was received, needs none). An action asks its facts
in a small dialog (:mod:`.step_dialog`), then runs the core step on the ``db``
executor (essential: once accepted, the step is saved or its failure shown),
hands the form's PDF to the printer (the system print dialog; tests give a
recording printer) and emits ``step_finished(dossier_id)``; a refused step
emits ``step_failed(code)`` and opens the error dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from workstation import lifecycle
from workstation.domain import Dossier
from workstation.domain.events import EventKind
from workstation.i18n import tr
from workstation.lifecycle import Counter, Step
from workstation.officers import ACTION_ROLES, Action, SignedIn
from workstation.services import Services
from workstation.ui.actions import set_shortcuts
from workstation.ui.background import run_in_background
from workstation.ui.errors import error_code, show_error
from workstation.ui.intake.receipt_step import DialogPrinter, ReceiptPrinter
from workstation.ui.lifecycle.step_dialog import (
    ExtensionDialog,
    ItemsDialog,
    ReasonsDialog,
    RegisterDialog,
    StopDialog,
    SupplementDialog,
)

log = logging.getLogger(__name__)

SHORTCUTS: dict[str, str] = {
    "supplement": "Ctrl+Shift+B",
    "supplement_received": "Ctrl+Shift+N",
    "refuse": "Ctrl+Shift+T",
    "extend": "Ctrl+Shift+G",
    "stop": "Ctrl+Shift+D",
    "control_slip": "Ctrl+Shift+K",
    "register": "Ctrl+Shift+S",
}
STEPS: dict[str, EventKind | None] = {
    "supplement": EventKind.SUPPLEMENT_REQUESTED,
    "supplement_received": EventKind.SUPPLEMENT_RECEIVED,
    "refuse": EventKind.REFUSED,
    "extend": EventKind.EXTENDED,
    "stop": EventKind.STOPPED,
    "control_slip": EventKind.CONTROL_SLIP,
    "register": None,  # needs no dossier
}


def _role_label() -> str:
    return tr(f"role.{ACTION_ROLES[Action.LIFECYCLE]}")


class LifecycleActions(QObject):
    """The steps the officer can take on the dossier shown, as actions of ``host``."""

    step_finished = Signal(str)  # the dossier's id ("" for the register)
    step_failed = Signal(str)  # the error's code

    def __init__(self, services: Services, host: QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.services = services
        self.allowed = True  # the acting officer may take the dossier's steps (as last known)
        self.counter = Counter.of(
            services.database,
            services.catalogue,
            services.settings,
            services.folders.data,
            blobs=services.blobs,
        )
        self.printer: ReceiptPrinter = DialogPrinter()
        self.dossier: Dossier | None = None
        self.dialog: QDialog | None = None
        self.last_form: Path | None = None
        self.actions: dict[str, QAction] = {}
        for name, key in SHORTCUTS.items():
            action = QAction(tr(f"lifecycle.action.{name}"), host)
            set_shortcuts(action, key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(getattr(self, f"_{name}"))
            host.addAction(action)
            self.actions[name] = action
        self.set_dossier(None)

    def set_dossier(self, dossier: Dossier | None) -> None:
        """Enable what ``dossier``'s status allows (only the register without one)."""
        self.dossier = dossier
        allowed = lifecycle.allowed_steps(dossier.status) if dossier is not None else set()
        tip = "" if self.allowed else tr("officers.role_needed", role=_role_label())
        for name, step in STEPS.items():
            self.actions[name].setEnabled(step is None or (self.allowed and step in allowed))
            self.actions[name].setToolTip("" if step is None else tip)

    def apply_officer(self, officer: SignedIn | None) -> None:
        """The officer acting now is known: the steps only for a counter officer."""
        self.allowed = officer is not None and officer.may(Action.LIFECYCLE)
        self.set_dossier(self.dossier)

    # --- one method per action ---------------------------------------------------------
    # A dialog's values are read on the UI thread when it is accepted (``partial`` binds
    # them), never by the worker that runs the step.

    def _supplement(self) -> None:
        dialog = ItemsDialog(self.host)
        self._ask(dialog, lambda: partial(lifecycle.request_supplement, items=dialog.items()))

    def _supplement_received(self) -> None:
        if self.dossier is None:
            return
        dialog = SupplementDialog(self.dossier.components, self.host)
        self._ask(
            dialog,
            lambda: partial(
                lifecycle.receive_supplement, note=dialog.note() or None, files=dialog.files()
            ),
        )

    def _refuse(self) -> None:
        dialog = ReasonsDialog(self.host)
        self._ask(dialog, lambda: partial(lifecycle.refuse, reasons=dialog.reasons()))

    def _extend(self) -> None:
        if self.dossier is None:
            return
        dialog = ExtensionDialog(self.dossier.due_at, self.host)
        self._ask(
            dialog,
            lambda: partial(lifecycle.extend, reason=dialog.reason(), new_due_at=dialog.new_due()),
        )

    def _stop(self) -> None:
        dialog = StopDialog(self.host)
        self._ask(dialog, lambda: partial(lifecycle.stop, reason=dialog.reason()))

    def _control_slip(self) -> None:
        self._run(lifecycle.print_control_slip)

    def _register(self) -> None:
        dialog = RegisterDialog(self.host)
        self.dialog = dialog
        counter = self.counter

        def accepted() -> None:
            start, end = dialog.period()
            run_in_background(
                self,
                lambda: lifecycle.print_register(counter, start, end),
                lambda path: self._done("", path),
                self._failed,
                essential=True,
            )

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- the one path ----------------------------------------------------------------

    def _ask(self, dialog: QDialog, bind: Callable[[], Callable[[Counter, str], Step]]) -> None:
        if self.dossier is None:
            dialog.deleteLater()
            return
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._run(bind()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _run(self, step: Callable[[Counter, str], Step]) -> None:
        if self.dossier is None:
            return
        dossier_id, counter, services = self.dossier.id, self.counter, self.services

        def gated_step() -> Step:
            services.require(Action.LIFECYCLE, dossier_id=dossier_id)  # a refusal is recorded
            return step(counter, dossier_id)

        run_in_background(
            self,
            gated_step,
            lambda done: self._done(dossier_id, done.form_path),
            self._failed,
            essential=True,
        )

    def _done(self, dossier_id: str, path: Path) -> None:
        self.last_form = path
        log.info("life-cycle form ready for printing")
        self.printer.print_pdf(path, self.host)
        self.step_finished.emit(dossier_id)

    def _failed(self, exc: BaseException) -> None:
        self.step_failed.emit(error_code(exc))
        show_error(self.host.window(), exc)
