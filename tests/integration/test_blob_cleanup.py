"""Blobs no dossier refers to are cleaned up, at start and on demand, never from under a receive."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from workstation.domain import Applicant
from workstation.domain.dossier import new_id
from workstation.intake.attach import attach_document, store_file
from workstation.intake.cleanup import clean_up_blobs
from workstation.intake.receive import (
    NewDossier,
    document_message,
    prepare_dossier,
    save_dossier,
)
from workstation.services import open_services
from workstation.store import outbox
from workstation.store.dossiers import delete_dossier
from workstation.store.outbox import MessageKind

pytestmark = pytest.mark.integration


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def _blob_path(blobs, digest):
    return blobs.root / digest[:2] / digest[2:4] / digest


def _request(path) -> NewDossier:
    return NewDossier(
        procedure_code="1.001193", applicant=Applicant(name="Phạm Văn Hùng"), files=[path]
    )


def _page_variant(tmp_path, sample_page, n: int):
    path = tmp_path / f"trang-{n}.png"
    path.write_bytes(sample_page.read_bytes() + b"\0" * (n + 1))  # still a PNG, other content
    return path


def test_start_up_clears_old_unreferenced_blobs_and_interrupted_writes(
    services, settings, folders, tmp_path, sample_page
) -> None:
    kept = (
        save_dossier(
            services.database,
            prepare_dossier(services.blobs, services.catalogue, _request(sample_page)),
        )
        .components[0]
        .documents[0]
        .sha256
    )
    stray = services.blobs.put(b"a citizen's page nobody saved")
    young = services.blobs.put(b"a page whose dossier is being typed")
    killed = services.blobs.root / ".incoming-killed-receive"
    killed.write_bytes(b"\0" * 4096)
    for path in (_blob_path(services.blobs, kept), _blob_path(services.blobs, stray), killed):
        _age(path, hours=2)
    services.close()

    reopened = open_services(settings, folders)
    try:
        assert set(reopened.blobs.names()) == {kept, young}
        assert not killed.exists()
    finally:
        reopened.close()


def test_storing_existing_content_keeps_it_through_a_clean_up_before_the_save(
    services, tmp_path, sample_page
) -> None:
    """The file was stored by an abandoned receive two hours ago; the officer receives it again."""
    old = prepare_dossier(services.blobs, services.catalogue, _request(sample_page))
    digest = old.components[0].documents[0].sha256
    _age(_blob_path(services.blobs, digest), hours=2)

    dossier = prepare_dossier(services.blobs, services.catalogue, _request(sample_page))
    outcome = clean_up_blobs(services.database, services.blobs, older_than=timedelta(seconds=30))
    save_dossier(services.database, dossier)

    assert outcome.blobs == 0
    assert services.blobs.read(digest) == sample_page.read_bytes()


def test_files_of_unsent_added_and_signed_documents_stay_until_the_central_system_has_them(
    services, tmp_path, sample_page
) -> None:
    """A document was added, and one signed, to a dossier deleted before they were sent: no
    dossier refers to their files any more, but the messages still have to carry them."""
    dossier = save_dossier(
        services.database,
        prepare_dossier(services.blobs, services.catalogue, _request(sample_page)),
    )
    component = dossier.components[0].requirement_code
    added = attach_document(
        services.database, services.blobs, dossier.id, component,
        _page_variant(tmp_path, sample_page, 1),
    )  # fmt: skip
    signed = store_file(services.blobs, _page_variant(tmp_path, sample_page, 2))
    with services.database.transaction() as session:
        # The shape intake/signed.py queues once a document is signed.
        outbox.enqueue(
            session,
            MessageKind.DOCUMENT_SIGNED,
            dossier.id,
            {
                "dossier_id": dossier.id,
                "dossier_code": dossier.code,
                "component_id": None,
                "source_document_id": added.id,
                "document": document_message(signed),
                "signature": {"role": "officer", "signer": "", "field_name": "Signature1"},
            },
        )
    with services.database.transaction() as session:
        delete_dossier(session, dossier.id)
        outbox.enqueue(session, MessageKind.DOSSIER_DELETED, dossier.id, {})

    clean_up_blobs(services.database, services.blobs, older_than=timedelta(0))
    assert services.blobs.exists(added.sha256)
    assert services.blobs.exists(signed.sha256)

    with services.database.transaction() as session:
        unsent = outbox.pending(session, 100)
        for entry in unsent:
            outbox.mark_sent(session, entry.message_id)
    assert {MessageKind.DOCUMENT_ADDED, MessageKind.DOCUMENT_SIGNED} <= {e.kind for e in unsent}
    clean_up_blobs(services.database, services.blobs, older_than=timedelta(0))
    assert not services.blobs.exists(added.sha256)
    assert not services.blobs.exists(signed.sha256)


def test_a_clean_up_racing_receives_of_stored_content_never_removes_what_is_saved(
    services, sample_page
) -> None:
    """One thread stores content kept from long ago and saves a dossier referring to it, over
    and over; another cleans up with a tiny grace, non-stop. No saved dossier loses its file."""
    template = prepare_dossier(services.blobs, services.catalogue, _request(sample_page))
    rounds = 150
    done = threading.Event()
    failures: list[BaseException] = []
    saved: list[str] = []
    cleanups = 0

    def receive_over_and_over() -> None:
        try:
            for n in range(rounds):
                content = b"page %d of an earlier, abandoned receive" % n
                digest = services.blobs.put(content)
                _age(_blob_path(services.blobs, digest), hours=2)
                # The officer receives that page again: stored (already there), then saved.
                assert services.blobs.put(content) == digest
                save_dossier(services.database, _referring_to(template, digest, len(content)))
                saved.append(digest)
        except BaseException as exc:
            failures.append(exc)
        finally:
            done.set()

    def clean_up_meanwhile() -> None:
        nonlocal cleanups
        try:
            while not done.is_set():
                clean_up_blobs(services.database, services.blobs, older_than=timedelta(seconds=1))
                cleanups += 1
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=receive_over_and_over),
        threading.Thread(target=clean_up_meanwhile),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert cleanups > 1
    lost = [digest for digest in saved if not services.blobs.exists(digest)]
    assert lost == [], f"{len(lost)} of {len(saved)} saved dossiers lost their file"


def _referring_to(template, digest: str, size: int):
    """A new dossier like ``template`` whose one document is the blob ``digest``."""
    component = template.components[0]
    document = replace(component.documents[0], id=new_id(), sha256=digest, size_bytes=size)
    return replace(
        template,
        id=new_id(),
        components=(replace(component, id=new_id(), documents=(document,)),),
    )
