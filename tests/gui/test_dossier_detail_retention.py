"""The detail of a dossier whose files and personal data the retention purge removed still opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from workstation import lifecycle, retention
from workstation.domain import clock
from workstation.i18n import tr
from workstation.store import outbox
from workstation.store.models import OutboxRow
from workstation.ui.dossiers.dossier_detail import DossierDetail
from workstation.ui.texts import tr_count

pytestmark = pytest.mark.gui


def _acknowledge_everything(services) -> None:
    """What the sender records once the central system has confirmed every message."""
    with services.database.transaction() as session:
        ids = list(session.scalars(select(OutboxRow.message_id).where(OutboxRow.state != "sent")))
        outbox.mark_all_sent(session, ids)


def test_a_purged_dossier_opens_and_says_the_central_system_holds_its_file(
    qtbot, services, receive, folders
):
    dossier = receive("Nguyễn Thị Hồng Nhung")
    counter = lifecycle.Counter.of(
        services.database, services.catalogue, services.settings, folders.data
    )
    lifecycle.refuse(counter, dossier.id, ["Thiếu giấy tờ"])
    _acknowledge_everything(services)
    purge = retention.apply(
        services.database,
        services.blobs,
        folders.data,
        retention.Periods(scans=1, results=1),
        now=clock.now() + timedelta(days=2),
        claim_grace=timedelta(0),
    )
    assert purge.files["scans"] == 1 and purge.forgotten == 1
    assert not services.blobs.exists(dossier.components[0].documents[0].sha256)

    detail = DossierDetail(services.database, services.blobs, services.catalogue)
    qtbot.addWidget(detail)
    detail.show()
    with qtbot.waitSignal(detail.dossier_shown) as blocker:
        detail.show_dossier(dossier.id)

    assert blocker.args == [dossier.id]
    assert detail.fields["status"].text() == tr("dossier_status.3")
    assert detail.fields["applicant"].text() == tr("retention.forgotten")
    assert detail.fields["id_number"].text() == "—"
    document = detail.components.topLevelItem(0).child(0)
    assert document.text(1) == tr(
        "retention.document_info", info=tr_count("dossier.detail.document_info", 1, pages=1)
    )
    assert detail.preview.pixmap().isNull()
    assert detail.preview.page_label.text() == tr("retention.held_centrally")
