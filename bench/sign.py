"""How fast a batch of PDFs is signed on a token with one login and a visible stamp.

    PYTHONPATH=src .venv/bin/python bench/sign.py [--files 200] [--reference-files 200]

Both sides sign the same one-page PDFs on the same SoftHSM2 token (made in a
temporary folder with its own test CA), PAdES with a visible Decree 30 copy
stamp (SAO Y, the agency, the time) set in Liberation Serif 10 pt.

Ours: ``TokenSigner.sign_batch``: one login, the stamp font subset once.
Reference, in the same run: pyHanko's own command line (``pyhanko sign
addsig … pkcs11``, package ``pyhanko-cli``) run once per file, which is what a
script driving pyHanko file by file does.

Target: at least 20 signatures per second, and at least 5 times the
reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfWriter

from workstation.sign import appearance, softhsm
from workstation.sign.pades import Appearance, KeyChoice, TokenSigner

LABEL = "Bench Sở Tư pháp"
PIN = "135790"
AGENCY = "UBND xã Hòa Bình"


def make_pdfs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    template = folder / "template.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with template.open("wb") as f:
        writer.write(f)
    paths = []
    for i in range(count):
        path = folder / f"doc{i:04d}.pdf"
        shutil.copyfile(template, path)
        paths.append(path)
    template.unlink()
    return paths


def make_token(folder: Path) -> None:
    softhsm.configure(folder)
    softhsm.init_token(LABEL, PIN)
    authority = softhsm.new_authority()
    key = softhsm.new_signing_key()
    now = dt.datetime.now(dt.UTC)
    cert = authority.issue(
        key,
        "Nguyễn Văn Ký",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    softhsm.import_key_and_certificate(
        softhsm.SOFTHSM2_MODULE_LINUX, LABEL, PIN, key, cert, "signer", b"\x01"
    )


def ours(inputs: list[Path], out: Path) -> float:
    look = Appearance("copy", copy_form="SAO Y", agency=AGENCY)
    key = KeyChoice(softhsm.SOFTHSM2_MODULE_LINUX, LABEL, key_label="signer")
    start = time.perf_counter()
    with TokenSigner(key, PIN) as signer:
        result = signer.sign_batch([(p, out / p.name) for p in inputs], look)
    elapsed = time.perf_counter() - start
    assert len(result.signed) == len(inputs), result
    return elapsed


def reference(inputs: list[Path], out: Path, folder: Path) -> float:
    program = Path(sys.executable).with_name("pyhanko")
    if not program.exists():
        sys.exit("pyhanko command line not installed: pip install pyhanko-cli (dev extra)")
    font = appearance.font_file(appearance.load_rules())
    config = folder / "pyhanko.yml"
    config.write_text(
        "stamp-styles:\n"
        "  copy:\n"
        "    type: text\n"
        f'    stamp-text: "SAO Y\\n{AGENCY}\\n%(ts)s"\n'
        "    border-width: 0\n"
        "    text-box-style:\n"
        f"      font: {font}\n"
        "      font-size: 10\n",
        encoding="utf-8",
    )
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYHANKO_PKCS11_PIN=PIN)
    start = time.perf_counter()
    for path in inputs:
        subprocess.run(
            [
                str(program),
                "--config",
                str(config),
                "sign",
                "addsig",
                "--field",
                "1/420,790,575,830/Copy1",
                "--style-name",
                "copy",
                "--use-pades",
                "pkcs11",
                "--lib",
                str(softhsm.SOFTHSM2_MODULE_LINUX),
                "--token-label",
                LABEL,
                "--cert-label",
                "signer",
                "--key-label",
                "signer",
                str(path),
                str(out / path.name),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument(
        "--reference-files", type=int, default=None, help="files for the reference (default: all)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as tmp:
        folder = Path(tmp)
        make_token(folder / "token")
        inputs = make_pdfs(folder / "in", args.files)
        ours_s = ours(inputs, folder / "ours")
        ref_inputs = inputs[: args.reference_files or len(inputs)]
        ref_s = reference(ref_inputs, folder / "reference", folder)
        check = subprocess.run(
            ["pdfsig", str(folder / "ours" / inputs[-1].name)], capture_output=True, text=True
        ).stdout
        ours_rate = len(inputs) / ours_s
        ref_rate = len(ref_inputs) / ref_s
        print(f"ours:      {len(inputs)} PDFs in {ours_s:.2f} s = {ours_rate:.1f} signatures/s")
        print(
            f"reference: {len(ref_inputs)} PDFs in {ref_s:.2f} s = {ref_rate:.1f} signatures/s "
            "(pyhanko command line, once per file)"
        )
        print(f"ratio:     {ours_rate / ref_rate:.1f}x (target >= 5x; ours target >= 20/s)")
        print(
            f"pdfsig on our last file: {'valid' if 'Signature is Valid' in check else 'NOT VALID'}"
        )


if __name__ == "__main__":
    main()
