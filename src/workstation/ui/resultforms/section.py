"""The "Mẫu phôi" (result-form templates) page: the template editor."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from workstation.resultforms.templates import user_templates_root
from workstation.services import Services
from workstation.ui.resultforms.template_editor import TemplateEditor
from workstation.ui.section import Section


class ResultFormsSection(Section):
    """Draw the zones of a pre-printed result form and save its template as data."""

    title_key = "section.resultforms"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.editor = TemplateEditor(user_templates_root(services.folders.data))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)
