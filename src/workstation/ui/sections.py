"""The sections of the main window, in navigation order.

A new capability (capture, signing, outbox…) adds its :class:`~workstation.ui.section.Section`
here and nowhere else.
"""

from __future__ import annotations

from workstation.ui.archive.section import ArchiveSection
from workstation.ui.dossiers.section import DossiersSection
from workstation.ui.intake.section import IntakeSection
from workstation.ui.outbox.section import OutboxSection
from workstation.ui.resultforms.section import ResultFormsSection
from workstation.ui.section import Section

SECTIONS: list[type[Section]] = [
    IntakeSection,
    DossiersSection,
    OutboxSection,
    ArchiveSection,
    ResultFormsSection,
]
