"""The sections of the main window, in navigation order.

A new capability (capture, signing, outbox…) adds its :class:`~workstation.ui.section.Section`
here and nowhere else.
"""

from __future__ import annotations

from workstation.ui.archive.section import ArchiveSection
from workstation.ui.capture.section import CaptureSection
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.intake.section import IntakeSection
from workstation.ui.onbehalf.handover_view import HandoverSection
from workstation.ui.outbox.section import OutboxSection
from workstation.ui.resultforms.section import ResultFormsSection
from workstation.ui.section import Section
from workstation.ui.signing.section import SigningSection
from workstation.ui.stats.section import StatsSection

SECTIONS: list[type[Section]] = [
    IntakeSection,
    DossiersSection,
    CaptureSection,
    SigningSection,
    HandoverSection,
    ArchiveSection,
    ResultFormsSection,
    OutboxSection,
    StatsSection,
]
