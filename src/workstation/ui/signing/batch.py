"""One signing batch, run on its token slot's executor: one login, every queued document.

Plain code (no widget): the section builds a :class:`Batch` on the UI thread
and runs :func:`sign_batch` with ``run_in_background`` on the executor named
by :func:`executor_for`, one per token slot, so a slot never gets two jobs at
once. The PIN is handed to the batch, used for its one login and dropped: it
is never stored, logged or retried. Dossier documents are signed and stored
as new documents of their dossiers (:func:`workstation.intake.signed.sign_into_dossiers`);
files added by hand are signed beside themselves as ``<name>.signed.pdf``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, Cancelled, WorkstationError
from workstation.intake.signed import SignItem, sign_into_dossiers
from workstation.officers import Action
from workstation.services import Services
from workstation.sign.pades import Appearance, KeyChoice
from workstation.sign.remote import RemoteChoice
from workstation.tasks import Question, TaskContext

log = logging.getLogger(__name__)


def executor_for(serial: str, label: str) -> str:
    """The executor of one token slot: the token's serial (its label when it has none)."""
    return f"token:{serial or label}"


def executor_for_remote(remote: RemoteChoice) -> str:
    """The executor of one remote credential: one batch at a time waits on its phone."""
    return f"remote:{remote.credential_id}"


@dataclass(frozen=True)
class Placement:
    """Where the signer's box goes: at an anchor text, else where the officer dragged it."""

    anchor: str = ""
    page: int | None = None
    box: tuple[float, float, float, float] | None = None


@dataclass
class BatchOutcome:
    """What the batch did, by queue entry key."""

    signed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (key, error code)
    remaining: list[str] = field(default_factory=list)
    cancelled: bool = False
    stopped_by: WorkstationError | None = None
    outputs: dict[str, Path] = field(default_factory=dict)  # key → signed file (hand-added)


@dataclass
class Batch:
    """Everything one batch needs; built on the UI thread, run on the token's executor."""

    key: KeyChoice | None
    look: Appearance
    placement: Placement
    dossier_items: list[tuple[str, SignItem]]  # (entry key, item)
    files: list[tuple[str, Path]]  # (entry key, file added by hand)
    pin: str | None = field(default=None, repr=False)  # never in a log or a report
    tsa_url: str = ""  # settings.tsa_url; the level (signature_level) is Services.open_signer's
    remote: RemoteChoice | None = field(default=None, repr=False)  # holds the access token
    # Set by the window's Cancel: stops a remote signer waiting for the phone.
    stop: threading.Event = field(default_factory=threading.Event)

    def appearance_for(self, path: Path) -> Appearance:
        """The look for one file: the box at the anchor text, or the dragged box."""
        look = self.look
        if look.kind != "signer":
            return look
        if self.placement.anchor:
            from workstation.sign.anchor import anchored_box
            from workstation.sign.appearance import load_rules

            spec = load_rules()["signer"]
            try:
                page, box = anchored_box(
                    path.read_bytes(), self.placement.anchor, spec["width"], spec["height"]
                )
                return replace(look, page=page, box=box)
            except BadInput:
                if self.placement.box is None:
                    raise
        if self.placement.box is not None:
            return replace(look, page=self.placement.page, box=self.placement.box)
        return look


def signed_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.signed.pdf")


def sign_batch(services: Services, batch: Batch, context: TaskContext) -> BatchOutcome:
    """Log in once with the batch's PIN and sign every document; see the module docstring."""
    pin, batch.pin = batch.pin, None
    services.require(Action.SIGN)  # a signing officer's; a refusal is recorded
    outcome = BatchOutcome()
    total = len(batch.dossier_items) + len(batch.files)
    done = 0

    def cancelled() -> bool:
        return context.token.cancelled or batch.stop.is_set()

    def step(offset: int) -> Callable[[int, int], None]:
        def progress(count: int, _total: int) -> None:
            # Cancelling is seen between files through cancelled(), the outcome kept.
            with contextlib.suppress(Cancelled):
                context.progress("signing.progress", offset + count, total)

        return progress

    context.progress("signing.progress", 0, total)
    signer: Any
    if batch.remote is not None:
        # Each signature is confirmed on the signer's phone; Cancel stops the wait.
        signer = services.open_signer(
            remote=batch.remote, pin=pin or None, tsa_url=batch.tsa_url or None, cancel=batch.stop
        )
        batch.remote = None  # the access token is not kept past the opening
    else:
        signer = services.open_signer(
            key=batch.key,
            pin=pin,
            tsa_url=batch.tsa_url or None,
            # A key that demands the PIN for every signature: asked each time, never kept.
            pin_each_time=lambda: context.ask(Question("signing.pin_each", secret=True)),
        )
    del pin
    with signer:  # the one login; a wrong PIN raises here, before any file
        if batch.dossier_items:
            keys = {id(item): key for key, item in batch.dossier_items}
            result = sign_into_dossiers(
                services.database,
                services.blobs,
                signer,
                [item for _, item in batch.dossier_items],
                lambda _item, path: batch.appearance_for(path),
                progress=step(0),
                cancelled=cancelled,
            )
            outcome.signed += [keys[id(item)] for item, _ in result.stored]
            outcome.refused += [(keys[id(item)], code) for item, code in result.refused]
            outcome.remaining += [keys[id(item)] for item in result.remaining]
            outcome.cancelled = result.cancelled
            outcome.stopped_by = result.stopped_by
            done = len(batch.dossier_items)
        if batch.files and outcome.stopped_by is None and not outcome.cancelled:
            jobs = [(path, signed_path(path)) for _, path in batch.files]
            by_source = {path: key for key, path in batch.files}
            result_files = signer.sign_batch(
                jobs, batch.appearance_for, progress=step(done), cancelled=cancelled
            )
            for signed in result_files.signed:
                source = next(s for s, o in jobs if o == signed.output)
                outcome.signed.append(by_source[source])
                outcome.outputs[by_source[source]] = signed.output
            outcome.refused += [(by_source[s], code) for s, code in result_files.refused]
            outcome.remaining += [by_source[s] for s in result_files.remaining]
            outcome.cancelled = result_files.cancelled
            outcome.stopped_by = result_files.stopped_by
        elif batch.files:
            outcome.remaining += [key for key, _ in batch.files]
    log.info(
        "signing batch: %d signed, %d refused, %d left",
        len(outcome.signed),
        len(outcome.refused),
        len(outcome.remaining),
    )
    return outcome
