"""The printed hand-over record (biên bản / phiếu bàn giao kết quả), with fpdf2 as the forms.

One A4 page in Vietnamese: the unit, the dossier's code and procedure, who
collected (owner or authorised person, ID number), how (at the counter, by
e-mail, to the citizen's store), when, and the signature places of the
collector and the officer. Labels come from the message catalogue
(``handover_record.*``); the font is the forms' (a Times-compatible face with
every Vietnamese glyph).
"""

from __future__ import annotations

from pathlib import Path

from workstation.domain import Catalogue, clock
from workstation.errors import BadInput
from workstation.forms.sheet import printable
from workstation.forms.texts import FONT_STYLES, font_files
from workstation.i18n import translate
from workstation.onbehalf.handover import Handover

FAMILY = "RecordSerif"


def render_handover_record(
    handover: Handover, catalogue: Catalogue, agency_name: str, output: Path | None
) -> bytes:
    """The hand-over record of ``handover`` as a PDF's bytes, also written to ``output`` if given.

    The window keeps it sealed (:mod:`workstation.store.sealed_files`) and gives no ``output``.
    """
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    def t(key: str, **params: object) -> str:
        return printable(translate(f"handover_record.{key}", "vi", **params))

    dossier = handover.dossier
    handed = clock.local(handover.handed_at)
    procedure = catalogue.get(dossier.procedure_code, clock.local(dossier.received_at).date())
    pdf = FPDF(unit="mm", format="A4")
    for style, path in zip(FONT_STYLES, font_files(handed.date()), strict=True):
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_margins(25, 15, 15)
    pdf.set_creator("Một Cửa workstation")
    pdf.set_title(t("title"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(width, 6, printable(agency_name).upper() or " ", align="L", **line)
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(width, 8, t("title").upper(), align="C", **line)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 12.5)
    rows = [
        (t("code"), dossier.code or ""),
        (t("procedure"), procedure.name),
        (t("owner"), dossier.dossier_owner.name),
        (t("collector"), t(f"collector_{handover.collector}")),
        (t("collector_id"), handover.collector_id_number),
        (t("delivery"), t(f"delivery_{handover.delivery}")),
        (t("handed_at"), handed.strftime("%H giờ %M phút, ngày %d/%m/%Y")),
    ]
    if handover.email:
        rows.append((t("email"), handover.email))
    if handover.authorisation_sha256:
        rows.append((t("authorisation"), handover.authorisation_sha256[:16]))
    for label, value in rows:
        pdf.set_font(FAMILY, "B", 12.5)
        pdf.cell(55, 7, label)
        pdf.set_font(FAMILY, "", 12.5)
        pdf.multi_cell(width - 55, 7, printable(value), **line)
    pdf.ln(12)
    pdf.set_font(FAMILY, "B", 12.5)
    pdf.cell(width / 2, 7, t("sign_collector"), align="C")
    pdf.cell(width / 2, 7, t("sign_officer"), align="C", **line)
    pdf.set_font(FAMILY, "I", 11)
    pdf.cell(width / 2, 6, t("sign_hint"), align="C")
    pdf.cell(width / 2, 6, t("sign_hint"), align="C", **line)
    data = bytes(pdf.output())
    if output is None:
        return data
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise BadInput(
            f"cannot write {output.name}: {exc.strerror}",
            code="handover.output_unwritable",
            name=output.name,
        ) from exc
    return data
