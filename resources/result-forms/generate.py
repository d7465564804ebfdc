"""Make the shipped result-form templates from synthetic blank forms (illustrative, not official).

Run from the repository: ``PYTHONPATH=src python resources/result-forms/generate.py``.
Each template folder gets ``blank.png`` (1-bit, 300 dpi) and ``template.json``.
"""

from __future__ import annotations

from pathlib import Path

from workstation.resultforms.synthetic import DESIGNS, write_template

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for design in DESIGNS:
        path = write_template(design, here / design.name)
        print(path.parent.name, (path.parent / "blank.png").stat().st_size, "bytes")
