"""The live summary of the dossier being received: fee, charge and appointment.

Recomputed (:meth:`SummaryPanel.update_for`) whenever the procedure, the
channel or the applicant's fee cases change, and every time the officer
edits a field, so the time of receipt it assumes is "now": the fees come from
:func:`~workstation.domain.fees.assess_fees`, the appointment from
:func:`~workstation.domain.due_dates.compute_due`, written as the receipt
prints it (``09 giờ 30 phút, ngày 10/12/2026``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from workstation.domain import Channel, clock
from workstation.domain.calendar import WorkingCalendar, load_calendar
from workstation.domain.catalogue import Procedure
from workstation.domain.due_dates import CountingRules, compute_due, load_rules, rules_in_force
from workstation.domain.fees import FeeAssessment, assess_fees
from workstation.errors import WorkstationError
from workstation.forms.texts import texts_for
from workstation.i18n import tr
from workstation.ui.errors import user_message
from workstation.ui.texts import thousands


@functools.cache
def _counting() -> tuple[WorkingCalendar, list[CountingRules]]:
    return load_calendar(), load_rules()


def money(amount: int) -> str:
    """``50.000 đ``."""
    return tr("intake_ui.money", amount=thousands(amount))


def appointment(procedure: Procedure, channel: Channel, now: datetime) -> datetime:
    """When a dossier of ``procedure`` received ``now`` by ``channel`` is due."""
    calendar, rules = _counting()
    day = clock.local(now).date()
    due = compute_due(
        now,
        procedure.time_limit,
        calendar,
        rules_in_force(rules, day),
        online=channel is Channel.ONLINE,
    )
    return due.due


def printed_moment(moment: datetime) -> str:
    """A moment as the receipt prints it."""
    local = clock.local(moment)
    return texts_for("receipt", local.date()).moment(local)


class SummaryPanel(QGroupBox):
    """Fee, charge, total and appointment of the dossier as it stands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("intake_ui.summary"), parent)
        self.fee_label = QLabel()
        self.charge_label = QLabel()
        self.total_label = QLabel()
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        layout = QFormLayout(self)
        layout.addRow(tr("intake_ui.fee"), self.fee_label)
        layout.addRow(tr("intake_ui.charge"), self.charge_label)
        layout.addRow(tr("intake_ui.total"), self.total_label)
        layout.addRow(tr("intake_ui.due"), self.due_label)
        self.assessment: FeeAssessment | None = None
        self.due: datetime | None = None
        self.update_for(None, Channel.COUNTER, ())

    def update_for(
        self,
        procedure: Procedure | None,
        channel: Channel,
        cases: Sequence[str],
        now: datetime | None = None,
    ) -> None:
        """Show what a dossier of ``procedure`` received ``now`` would pay and when it is due."""
        self.assessment, self.due = None, None
        if procedure is None:
            for label in (self.fee_label, self.charge_label, self.total_label, self.due_label):
                label.setText("—")
            return
        now = now or clock.now()
        day = clock.local(now).date()
        self.assessment = assess_fees(procedure, day, channel, cases)
        self.fee_label.setText(money(self.assessment.fee))
        self.charge_label.setText(money(self.assessment.charge))
        self.total_label.setText(money(self.assessment.total))
        try:
            self.due = appointment(procedure, channel, now)
        except WorkstationError as exc:
            self.due_label.setText(user_message(exc))
        else:
            self.due_label.setText(printed_moment(self.due))
