"""Choosing the token (by label and serial) and the certificate to sign with.

The tokens are listed off the UI thread (``io``): the PKCS#11 module comes
from the settings, else from the known module names of the CAs. The token's
PIN state (count low, final try, locked, or unknown where the module does not
say) is shown before the officer is asked for the PIN. While the picker is
shown, the module's slots are polled every :data:`POLL_MS` (most modules of
the Vietnamese CAs have no slot events), and a token plugged in or pulled out
lists the tokens again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from workstation.i18n import tr
from workstation.sign.tokens import CertificateInfo, TokenInfo
from workstation.ui.background import run_in_background
from workstation.ui.errors import user_message


def list_tokens_of(configured: str) -> tuple[Path, list[TokenInfo]]:
    """The module in use and its tokens (runs on the ``io`` executor)."""
    from workstation.sign.demo_token import point_at_demo_token
    from workstation.sign.tokens import find_module, list_tokens

    point_at_demo_token()
    module = find_module(configured)
    return module, list_tokens(module)


POLL_MS = 2_000


def tokens_present(module: Path) -> set[tuple[str, str]]:
    """``(label, serial)`` of the tokens in the module's slots now (``io``)."""
    from workstation.sign.tokens import load_module
    from workstation.sign.watch import TokenWatch

    watch = TokenWatch(load_module(module))
    watch.poll()
    return watch.present


def pin_state_text(state: str) -> str:
    return tr(f"signing.pin_state.{state}")


class TokenPicker(QWidget):
    """Two lists, token and certificate, and the token's PIN state; ``loaded`` after listing."""

    loaded = Signal()
    changed = Signal()

    def __init__(self, configured_module: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.configured_module = configured_module
        self.module: Path | None = None
        self.tokens: list[TokenInfo] = []

        self.token_box = QComboBox()
        self.token_box.setAccessibleName(tr("signing.token"))
        self.token_box.currentIndexChanged.connect(self._token_chosen)
        self.certificate_box = QComboBox()
        self.certificate_box.setAccessibleName(tr("signing.certificate"))
        self.certificate_box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for box in (self.token_box, self.certificate_box):  # long Vietnamese names
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(14)
        self.pin_state_label = QLabel()
        self.pin_state_label.setWordWrap(True)
        self.reload_button = QPushButton(tr("signing.tokens.reload"))
        self.reload_button.clicked.connect(self.reload)

        row = QHBoxLayout()
        row.addWidget(self.token_box, 1)
        row.addWidget(self.reload_button)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("signing.token"), row)
        form.addRow(tr("signing.certificate"), self.certificate_box)
        form.addRow(tr("signing.pin_state"), self.pin_state_label)
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setObjectName("token-poll")
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def poll(self) -> None:
        """Look whether a token was plugged in or pulled out (one poll at a time)."""
        if self.module is None or self._polling:
            return
        self._polling = True
        module = self.module

        def failed(_exc: BaseException) -> None:
            self._polling = False

        run_in_background(self, lambda: tokens_present(module), self.polled, failed, "io")

    def polled(self, present: set[tuple[str, str]]) -> None:
        """The tokens present now: list again when they are not those listed."""
        self._polling = False
        if present != {(t.label, t.serial) for t in self.tokens}:
            self.reload()

    def reload(self) -> None:
        """List the tokens again, off the UI thread."""
        self.pin_state_label.setText(tr("signing.tokens.loading"))
        configured = self.configured_module
        run_in_background(
            self, lambda: list_tokens_of(configured), self._listed, self._failed, "io"
        )

    def _listed(self, found: tuple[Path, list[TokenInfo]]) -> None:
        chosen = self.token()
        self.module, self.tokens = found
        self.token_box.blockSignals(True)
        self.token_box.clear()
        for token in self.tokens:
            self.token_box.addItem(tr("signing.token_item", label=token.label, serial=token.serial))
        self.token_box.blockSignals(False)
        keep = [i for i, t in enumerate(self.tokens) if chosen and t.serial == chosen.serial]
        self.token_box.setCurrentIndex(keep[0] if keep else (0 if self.tokens else -1))
        self._token_chosen()
        if not self.tokens:
            self.pin_state_label.setText(tr("signing.tokens.none"))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.tokens = []
        self.token_box.clear()
        self.certificate_box.clear()
        self.pin_state_label.setText(user_message(exc))
        self.loaded.emit()

    def _token_chosen(self, _index: int = -1) -> None:
        token = self.token()
        self.certificate_box.blockSignals(True)
        self.certificate_box.clear()
        if token is not None:
            for cert in token.certificates:
                if cert.for_signing:
                    self.certificate_box.addItem(
                        tr(
                            "signing.certificate_item",
                            name=cert.common_name or cert.label,
                            until=cert.not_after[:10],
                        ),
                        cert.label,
                    )
            self.pin_state_label.setText(pin_state_text(token.pin_state))
        self.certificate_box.blockSignals(False)
        self.changed.emit()

    def token(self) -> TokenInfo | None:
        index = self.token_box.currentIndex()
        return self.tokens[index] if 0 <= index < len(self.tokens) else None

    def certificate(self) -> CertificateInfo | None:
        token = self.token()
        label = self.certificate_box.currentData()
        if token is None or label is None:
            return None
        return next((c for c in token.certificates if c.label == label), None)

    def show_pin_state(self, state: str) -> None:
        self.pin_state_label.setText(pin_state_text(state))
