"""The demo token: a SoftHSM2 token with a demo certificate authority, for the app's demo mode.

A newcomer can sign without hardware: ``workstation demo`` and
``./dev.sh run`` make, on first use, a software token (Token thử nghiệm /
Demo token, labelled :data:`DEMO_TOKEN_LABEL`) in the user's data folder
(``<data>/demo-token``), holding one key whose certificate is issued by
"CA thử nghiệm (demo)". Its PIN is :data:`DEMO_PIN`, written here, in the
project's README and in what ``workstation demo`` prints: **it protects
nothing and is for the demo only**. The folder's own README says where to
find it rather than the PIN itself: no file the workstation writes holds a
PIN (``tests/integration/sync/test_no_secrets_on_disk.py``). Signatures
made with it chain to the demo CA (``ca.pem`` in the folder), which no real
validator trusts.

It is never used outside demo mode unless the officer chooses it: it is
made only by the demo, and ``workstation tokens`` / ``sign`` see it only
through SoftHSM2's module, by pointing ``SOFTHSM2_CONF`` at the demo
token's configuration when nothing else set it (:func:`point_at_demo_token`).

SoftHSM2 reads its configuration once per process, so the demo makes and
uses the token in a child process (:func:`sign_sample_in_child`), leaving the
caller's process free to load SoftHSM2 with another configuration.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import ExternalPartError
from workstation.paths import Folders, user_folders

log = logging.getLogger(__name__)

# PKCS#11 labels hold 32 bytes of UTF-8; "Token thử nghiệm / Demo token" does not fit.
DEMO_TOKEN_LABEL = "Token thử nghiệm (demo)"
DEMO_PIN = "123456"  # demo only: documented, protects nothing
DEMO_KEY_LABEL = "demo"
FOLDER_NAME = "demo-token"
README = """Token thử nghiệm / Demo token

Token phần mềm (SoftHSM2) chỉ dùng cho chế độ trình diễn. Mã PIN: xem README của
dự án hoặc kết quả lệnh "workstation demo".
Chữ ký tạo bằng token này không có giá trị pháp lý.

A software token (SoftHSM2) for the demo mode only. PIN: see the project's README
or what "workstation demo" prints.
Signatures made with it chain to a demo CA (ca.pem) and have no legal value.
Delete this folder to remove the demo token.
"""


@dataclass(frozen=True)
class DemoToken:
    """Where the demo token lives and how to sign with it."""

    folder: Path
    config: Path
    module: Path
    label: str = DEMO_TOKEN_LABEL
    pin: str = DEMO_PIN
    key_label: str = DEMO_KEY_LABEL

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"


def demo_token_folder(folders: Folders | None = None) -> Path:
    return (folders or user_folders()).data / FOLDER_NAME


def _unavailable(why: str) -> ExternalPartError:
    return ExternalPartError(
        f"the demo token cannot be made: {why}", code="sign.demo_token_unavailable"
    )


def ensure_demo_token(folder: Path) -> DemoToken:
    """The demo token in ``folder``, made first if missing; points ``SOFTHSM2_CONF`` at it.

    Call only in a process that has not loaded SoftHSM2 with another
    configuration (see the module's docstring).
    """
    from workstation.sign import softhsm

    module = softhsm.SOFTHSM2_MODULE_LINUX
    if not module.is_file() or shutil.which("softhsm2-util") is None:
        raise _unavailable("SoftHSM2 is not installed (Debian package softhsm2)")
    if not (folder / "ready").is_file():
        _make(folder, module)
    else:  # a token made by an earlier version kept the PIN in its README
        (folder / "README.txt").write_text(README, encoding="utf-8")
    config = softhsm.configure(folder)  # rewrites the same file; sets SOFTHSM2_CONF
    return DemoToken(folder=folder, config=config, module=module)


def _make(folder: Path, module: Path) -> None:
    """Build the token in ``folder``; ``ready`` is written last, so a half-made one is redone.

    Built in place, not beside it and renamed: SoftHSM2 keeps the token
    folder's path it was loaded with.
    """
    from workstation.sign import softhsm

    try:
        if folder.exists():  # an unfinished earlier attempt
            shutil.rmtree(folder)
        softhsm.configure(folder)
        softhsm.init_token(DEMO_TOKEN_LABEL, DEMO_PIN)
        authority = softhsm.new_authority("CA thử nghiệm (demo)")
        key = softhsm.new_signing_key()
        now = dt.datetime.now(dt.UTC)
        cert = authority.issue(
            key,
            "Cán bộ thử nghiệm (demo)",
            not_before=now - dt.timedelta(days=1),
            not_after=now + dt.timedelta(days=3 * 365),
            organisation="Bộ phận Một cửa thử nghiệm (demo)",
        )
        softhsm.import_key_and_certificate(
            module, DEMO_TOKEN_LABEL, DEMO_PIN, key, cert, DEMO_KEY_LABEL, b"\xde\x01"
        )
        (folder / "ca.pem").write_bytes(authority.pem())
        (folder / "README.txt").write_text(README, encoding="utf-8")
        (folder / "ready").write_text("ready\n", encoding="utf-8")
    except Exception as exc:  # softhsm2-util failing (CalledProcessError), the module, the disk
        raise _unavailable(exc.__class__.__name__) from exc
    log.info("demo token made")


def point_at_demo_token(folders: Folders | None = None) -> bool:
    """Let SoftHSM2 find the demo token when ``SOFTHSM2_CONF`` is not set; True if it did."""
    if os.environ.get("SOFTHSM2_CONF"):
        return False
    folder = demo_token_folder(folders)
    config = folder / "softhsm2.conf"
    if not (folder / "ready").is_file() or not config.is_file():
        return False
    os.environ["SOFTHSM2_CONF"] = str(config)
    return True


def sign_sample(folder: str, source: str, output: str) -> dict[str, str]:
    """Make the demo token if needed and sign ``source`` into ``output`` with the copy stamp.

    Runs in a child process (a function of a module, so ``spawn`` can reach it).
    """
    from workstation.sign.pades import Appearance, KeyChoice, TokenSigner

    token = ensure_demo_token(Path(folder))
    key = KeyChoice(token.module, token_label=token.label, key_label=token.key_label)
    look = Appearance("copy", copy_form="SAO Y", agency="Bộ phận Một cửa thử nghiệm (demo)")
    with TokenSigner(key, token.pin) as signer:
        signed = signer.sign(Path(source), Path(output), look)
    return {
        "output": str(signed.output),
        "signing_time": signed.signing_time,
        "token": token.label,
        "ca": str(token.ca_file),
        "folder": str(token.folder),
    }


def sign_sample_in_child(folder: Path, source: Path, output: Path) -> dict[str, str]:
    """:func:`sign_sample` in a fresh child process (SoftHSM2 reads its configuration once)."""
    from workstation.workers import process_pool

    with process_pool(1) as pool:
        return pool.submit(sign_sample, str(folder), str(source), str(output)).result()
