"""The outbox with a real worker: a dead broker costs the citizen and the officer nothing.

The web side (this process) first sends to a broker address where nothing listens: upload,
submission and an officer's action answer at once, and their side effects wait as outbox
rows. Then the broker is back: the sweep hands the rows to the worker, which makes the
slip, the OCR, the notifications and the webhooks, each exactly once. (~20-30 s.)
"""

import re
import shutil
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import Role
from dossiers.constants import DigitisationStatus, EventKind, SlipKind
from dossiers.constants import DossierState as S
from dossiers.models import DossierDocument, Slip
from dossiers.services import (
    dossier_accept,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from notifications.constants import DeliveryStatus
from notifications.models import Notification
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from outbox.services import outbox_sweep
from partners.constants import PartnerKind
from partners.models import PartnerFiling, WebhookDelivery
from partners.services import webhook_endpoint_create
from tests.api.conftest import WebhookReceiver, partner_client
from tests.dossiers.conftest import complete_values
from tests.factories import UserFactory
from tests.outbox.conftest import DEAD_BROKER
from tests.workers.conftest import _configure_producer, sent_mail, wait_for
from tests.workers.test_worker import CONFIRMATION_ATTACHMENT, text_png

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhook_receiver(settings):
    """Partners' webhooks land here; the worker may post to it (see the worker's env)."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with WebhookReceiver() as receiver:
        yield receiver


def test_with_the_broker_down_nothing_waits_and_nothing_is_lost(
    worker, catalogue, offices, settings, mail_dir, webhook_receiver
):
    citizen = UserFactory(
        citizen=True,
        username="o-citizen",
        national_id="001090012345",
        full_name="Nguyễn Văn An",
        email="an@example.vn",
        phone="0912345678",
    )
    counter = UserFactory(username="o-counter", role=Role.COUNTER_OFFICER, office=offices[1])
    from vss_portal.celery import app

    settings.DIGITISE_ON_UPLOAD = True  # read where the upload happens: this process
    live_broker = app.conf.broker_url
    _configure_producer(app, broker_url=DEAD_BROKER)  # same queue, not eager

    started = time.perf_counter()
    draft = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel="online",
        applicant=citizen,
    )
    ivan = partner_client(kind=PartnerKind.IVAN, name="Công ty I-VAN Thái Sơn")
    PartnerFiling.objects.create(partner=ivan.partner, dossier=draft, token=ivan.token)
    webhook_endpoint_create(partner=ivan.partner, url=webhook_receiver.url)
    draft = dossier_draft_save(
        dossier=draft,
        actor=citizen,
        values=complete_values(draft.version),
        next_step=4,
        province_code=1,
        address="12 Tràng Tiền, Hà Nội",
    )
    component = draft.version.components.get(code="medical_leave_certificate")
    upload_started = time.perf_counter()
    document = dossier_document_add(
        dossier=draft,
        component=component,
        uploaded=SimpleUploadedFile("giay-nghi-om.png", text_png(), content_type="image/png"),
        actor=citizen,
    )
    submitted = dossier_submit(dossier=draft, actor=citizen)
    accepted = dossier_accept(dossier=submitted, officer=counter)
    # Three writes against a dead broker: answered as usual, in well under the 30 s of old.
    assert time.perf_counter() - upload_started < 8
    assert accepted.state == S.RECEIVED
    accept_event = accepted.events.get(kind=EventKind.TRANSITION, to_state=S.RECEIVED)
    rows = OutboxMessage.objects.filter(payload__dossier_id=accepted.pk)
    assert {row.handler for row in rows} >= {
        "dossiers.handlers.document_digitise",
        "dossiers.handlers.reception_slip",
        "notifications.handlers.citizen_notify",
        "partners.handlers.webhooks_for_event",
    }
    assert {row.status for row in rows} == {MessageStatus.PENDING}
    assert not Slip.objects.filter(dossier=accepted).exists()
    assert not Notification.objects.filter(event__dossier=accepted).exists()

    # The broker is back: the sweep hands everything left to the worker.
    _configure_producer(app, broker_url=live_broker)
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 0
    assert outbox_sweep() == rows.count()

    def digitised():
        row = DossierDocument.objects.get(pk=document.pk)
        return row.digitisation_status != DigitisationStatus.PENDING

    wait_for(digitised, what="the OCR of the upload", worker=worker)
    wait_for(
        lambda: Notification.objects.filter(
            event__dossier=accepted,
            event__kind=EventKind.SUBMITTED,
            channel="email",
            status=DeliveryStatus.SENT,
        ).exists(),
        what="the submission's confirmation with its slip",
        worker=worker,
    )
    wait_for(
        lambda: (
            Notification.objects.filter(event=accept_event, status=DeliveryStatus.SENT).count() == 3
        ),
        what="the notifications of the acceptance",
        worker=worker,
    )
    wait_for(lambda: len(webhook_receiver.requests) >= 2, what="the two webhooks", worker=worker)
    wait_for(
        lambda: not OutboxMessage.objects.exclude(status=MessageStatus.DELIVERED).exists(),
        what="every outbox row delivered",
        worker=worker,
    )

    # A second sweep (or a row handed over twice) changes nothing: each effect once.
    assert outbox_sweep() == 0
    time.sleep(1)
    document = DossierDocument.objects.get(pk=document.pk)
    # OCR ran once (done; or, on a machine without Tesseract, failed with that reason).
    ocr = DigitisationStatus.DONE if shutil.which("tesseract") else DigitisationStatus.FAILED
    assert document.digitisation_status == ocr, document.digitisation_error
    log = worker.log_path.read_text(errors="replace")
    assert len(re.findall(r"document_digitise_task\[\S+\] received", log)) == 1
    assert Slip.objects.filter(dossier=accepted, kind=SlipKind.RECEPTION).count() == 1
    assert Notification.objects.filter(event=accept_event).count() == 3
    assert sum(CONFIRMATION_ATTACHMENT in m for m in sent_mail(mail_dir)) == 1
    assert WebhookDelivery.objects.filter(event__dossier=accepted).count() == 2  # submit, accept
    assert len(webhook_receiver.requests) == 2
    assert time.perf_counter() - started < 120
