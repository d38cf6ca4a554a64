"""Queues per workload with a real worker (docs/scaling.md, "Celery queues per workload").

The worker reads only the default queue. With `CELERY_WORKLOAD_QUEUES` sending PDFs to a
queue of their own that nobody reads yet, a submission's other effects (the dashboard's
mark, the partners' webhooks) are still delivered by the worker, while its reception slip
waits, as one message, in the PDF queue: a burst of slips or scans no longer holds up
other work. (~10-20 s.)
"""

import uuid

import pytest
import redis

from dossiers.constants import SlipKind
from dossiers.models import Slip
from dossiers.services import dossier_submit
from notifications.models import Notification
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory
from tests.workers.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_pdfs_wait_in_their_own_queue_while_notifications_go_on(
    worker, catalogue, offices, settings
):
    from vss_portal.celery import app

    pdf_queue = f"vss-test-pdf-{uuid.uuid4().hex[:8]}"
    settings.CELERY_WORKLOAD_QUEUES = {"pdf": pdf_queue}  # read by the relay, in this process
    client = redis.Redis.from_url(app.conf.broker_url)
    citizen = UserFactory(citizen=True, username="w-citizen", email="w@example.vn")
    try:
        draft = complete_sickness_draft(catalogue, citizen)
        dossier = dossier_submit(dossier=draft, actor=citizen)

        wait_for(
            lambda: OutboxMessage.objects.filter(
                handler="dashboards.handlers.rollups_mark", status=MessageStatus.DELIVERED
            ).exists(),
            what="the submission's dashboard mark, delivered by the worker",
            worker=worker,
        )
        slip_rows = OutboxMessage.objects.filter(handler="dossiers.handlers.reception_slip")
        assert slip_rows.get().status == MessageStatus.PENDING
        assert not Slip.objects.filter(dossier=dossier, kind=SlipKind.RECEPTION).exists()
        # (and so no confirmation yet: it waits for the slip, to carry it)
        assert not Notification.objects.filter(event__dossier=dossier).exists()
        # One broker message in the PDF queue, for the slip's row.
        assert client.llen(pdf_queue) == 1
    finally:
        client.delete(pdf_queue)
