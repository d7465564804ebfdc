"""A confirmed result-form scan as the dossier's electronic result: a PDF/A, signed if asked.

The scan, straightened onto its template, is written as a one-page PDF/A-2b
(:mod:`workstation.scan.pdf`) whose text layer holds the confirmed values at
their zones and whose ``dc:subject`` lists ``field=value`` for each, plus the
flags ``digitised-result`` and ``reusable`` (a digitised result available for
reuse) and the template's name. With a signer (an open
:class:`~workstation.sign.pades.PdfSigningSession`, the agency's token) the
file is then signed. Storing it as the dossier's RESULT document and queueing
it for the central system is left to the dossier's attach step.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import cv2

from workstation.resultforms.recognise import Recognition
from workstation.resultforms.templates import Template
from workstation.scan import ocr
from workstation.scan.ocr import Word
from workstation.scan.pdf import DocumentInfo, encode_page, write_pdf
from workstation.scan.policy import BW

RESULT_FLAGS = ("digitised-result", "reusable")


def result_pdf(
    template: Template,
    recognition: Recognition,
    values: dict[str, str],
    out: Path,
    *,
    dossier_code: str = "",
    signer: Any = None,
) -> Path:
    """Write the confirmed ``values`` and the straightened scan to ``out``; sign if ``signer``."""
    if recognition.aligned is None:
        raise ValueError("the recognition holds no straightened scan")
    grey = recognition.aligned
    binary = ocr.binarise(grey)
    rgb = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    words = []
    for number, item in enumerate(template.fields, 1):
        value = values.get(item.name, "")
        if value:
            x, y, w, h = item.box
            confidence = recognition.fields[item.name].confidence
            words.append(Word(value, x, y, w, h, confidence, (number, 1, 1)))
    page = encode_page(rgb, binary, template.dpi, BW, words)
    subjects = (
        *RESULT_FLAGS,
        f"template={template.name}",
        *(f"{item.name}={values.get(item.name, '')}" for item in template.fields),
    )
    info = DocumentInfo(
        title=template.title, dossier_code=dossier_code, component="result", subjects=subjects
    )
    if signer is None:
        write_pdf([page], out, info)
        return out
    with tempfile.TemporaryDirectory(prefix="ws-result-") as folder:
        unsigned = Path(folder) / "unsigned.pdf"
        write_pdf([page], unsigned, info)
        signer.sign(unsigned, out)
    return out
