"""The "Mẫu phôi" (result forms) page: review a scanned form, or edit the templates.

Filing results is counter work: the page needs the counter officer's role."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from workstation.i18n import tr
from workstation.officers import Action
from workstation.resultforms.templates import user_templates_root
from workstation.services import Services
from workstation.ui.resultforms.review import ResultFormReview
from workstation.ui.resultforms.template_editor import TemplateEditor
from workstation.ui.section import Section


class ResultFormsSection(Section):
    """Review a scanned result form against its dossier; draw and save form templates."""

    title_key = "section.resultforms"
    action = Action.FILE_RESULT

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        root = user_templates_root(services.folders.data)
        self.review = ResultFormReview(services, root)
        self.editor = TemplateEditor(root)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.review, tr("archive_ui2.review.tab"))
        self.tabs.addTab(self.editor, tr("archive_ui2.editor.tab"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
