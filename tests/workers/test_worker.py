"""A real Celery worker on Redis: the intake pipeline, and tasks surviving a killed worker.

Run on PostgreSQL with REDIS_URL set (see conftest.py); each test takes 10-30 s.
"""

import io
import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.constants import Role
from dossiers.constants import Channel, DigitisationStatus, EventKind, SlipKind
from dossiers.constants import DossierState as S
from dossiers.models import DossierDocument, Slip
from dossiers.services import (
    dossier_accept,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
    event_append,
)
from dossiers.worklist import WorklistQuery, worklist
from notifications.constants import DeliveryStatus
from notifications.models import DeliveryAttempt, Notification
from tests.dossiers.conftest import complete_values
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory
from tests.workers.conftest import VISIBILITY_TIMEOUT, parent_pid, sent_mail, wait_for
from tests.workers.tasks import notify_then_work

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội",
    "Bệnh viện Bạch Mai, Hà Nội",
]


def text_png() -> bytes:
    """A 300 dpi scan-like PNG of Vietnamese text."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 48)
    image = Image.new("L", (2000, 360), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(LINES):
        draw.text((100, 80 + index * 120), line, font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        username="w-citizen",
        national_id="001090012345",
        full_name="Nguyễn Văn An",
        email="an@example.vn",
        phone="0912345678",
    )


@pytest.fixture
def counter(offices):
    return UserFactory(username="w-counter", role=Role.COUNTER_OFFICER, office=offices[1])


def started(markers):
    return sorted(p.name for p in markers.glob("started-*"))


def citizen_event(catalogue, offices, citizen, counter):
    """A citizen-visible event, committed, whose notifications nobody has sent yet.

    (An acceptance: a RECEIVED event would bring its reception slip and confirmation
    through the outbox, which would notify the applicant of it.)"""
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.RECEIVED,
        office=offices[1],
        applicant=citizen,
        applicant_email=citizen.email,
        applicant_phone=citizen.phone,
    )
    with transaction.atomic():
        return event_append(
            dossier=dossier,
            kind=EventKind.TRANSITION,
            actor=counter,
            from_state=S.SUBMITTED,
            to_state=S.RECEIVED,
            payload={"action": "accept"},
            citizen_visible=True,
        )


CONFIRMATION_ATTACHMENT = "giay-tiep-nhan-"


def assert_notified_once(event, mail_dir):
    rows = list(Notification.objects.filter(event=event))
    assert sorted(n.channel for n in rows) == ["email", "inbox", "sms"]
    assert {n.status for n in rows} == {DeliveryStatus.SENT}
    assert [n.attempts for n in rows] == [1, 1, 1]
    assert DeliveryAttempt.objects.filter(notification__event=event).count() == 3
    # The submission's confirmation (it carries the slip) is another event's message.
    messages = [m for m in sent_mail(mail_dir) if CONFIRMATION_ATTACHMENT not in m]
    assert len(messages) == 1
    assert "an@example.vn" in messages[0]


def test_submitted_dossier_is_digitised_and_notified_by_the_worker(
    worker, catalogue, offices, citizen, counter, settings, mail_dir
):
    settings.DIGITISE_ON_UPLOAD = True  # read where the upload happens: this process
    started_at = time.monotonic()
    draft = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    draft = dossier_draft_save(
        dossier=draft,
        actor=citizen,
        values=complete_values(draft.version),
        next_step=4,
        province_code=1,
        address="12 Tràng Tiền, Hà Nội",
    )
    component = draft.version.components.get(code="medical_leave_certificate")
    document = dossier_document_add(
        dossier=draft,
        component=component,
        uploaded=SimpleUploadedFile("giay-nghi-om.png", text_png(), content_type="image/png"),
        actor=citizen,
    )
    dossier = dossier_submit(dossier=draft, actor=citizen)
    accepted = dossier_accept(dossier=dossier, officer=counter)
    accept_event = accepted.events.get(kind=EventKind.TRANSITION, to_state=S.RECEIVED)

    # Nothing ran here: the worker does the OCR, the slip and the notifications.
    def digitised():
        row = DossierDocument.objects.get(pk=document.pk)
        return row if row.digitisation_status != DigitisationStatus.PENDING else None

    row = wait_for(digitised, what="the OCR of the upload", worker=worker)
    assert row.digitisation_status == DigitisationStatus.DONE, row.digitisation_error
    assert "bảo hiểm xã hội" in row.ocr_text
    assert "Bạch Mai" in row.ocr_text

    wait_for(
        lambda: (
            Notification.objects.filter(event=accept_event, status=DeliveryStatus.SENT).count() == 3
        ),
        what="the citizen's notifications",
        worker=worker,
    )
    wait_for(
        lambda: Slip.objects.filter(dossier=dossier, kind=SlipKind.RECEPTION).exists(),
        what="the reception slip",
        worker=worker,
    )
    wait_for(
        lambda: Notification.objects.filter(
            event__dossier=dossier,
            event__kind=EventKind.SUBMITTED,
            channel="email",
            status=DeliveryStatus.SENT,
        ).exists(),
        what="the submission's confirmation with the slip",
        worker=worker,
    )
    assert_notified_once(accept_event, mail_dir)
    assert accepted.code in sent_mail(mail_dir)[0]
    assert sum(CONFIRMATION_ATTACHMENT in m for m in sent_mail(mail_dir)) == 1
    # The recognised text is searchable at once, without diacritics.
    officer = UserFactory(username="w-officer", role=Role.PROCESSING_OFFICER, office=offices[1])
    page = worklist(user=officer, query=WorklistQuery(tab="open", q="text: bao hiem xa hoi"))
    assert [d.pk for d in page.rows] == [dossier.pk]
    assert time.monotonic() - started_at < 90


def test_task_survives_its_pool_child_being_killed_and_notifies_once(
    worker, catalogue, offices, citizen, counter, markers, mail_dir
):
    event = citizen_event(catalogue, offices, citizen, counter)
    notify_then_work.delay(event.pk, str(markers))

    first = wait_for(lambda: started(markers), what="the task to start", worker=worker)
    pid = int(first[0].removeprefix("started-"))
    assert parent_pid(pid) == worker.pid  # a pool child, not the worker's main process
    assert_notified_once(event, mail_dir)  # the first run notified, then kept working

    os.kill(pid, signal.SIGKILL)
    # acks_late + reject_on_worker_lost: the main process puts the message back at once
    # and a new pool child runs the task again from the start.
    runs = wait_for(
        lambda: (lambda names: names if len(names) == 2 else None)(started(markers)),
        timeout=30,
        what="the task to run again",
        worker=worker,
    )
    assert f"started-{pid}" in runs
    (markers / "go").touch()
    wait_for(
        lambda: (markers / "done").exists(), timeout=30, what="the task to finish", worker=worker
    )

    second_pid = int((markers / "done").read_text())
    assert second_pid != pid
    assert parent_pid(second_pid) == worker.pid
    assert worker.process.poll() is None  # the worker itself lived on
    time.sleep(1)  # nothing else may arrive
    assert len(started(markers)) == 2
    assert_notified_once(event, mail_dir)


def test_task_of_a_killed_worker_completes_after_a_restart_and_notifies_once(
    worker, catalogue, offices, citizen, counter, markers, mail_dir
):
    event = citizen_event(catalogue, offices, citizen, counter)
    notify_then_work.delay(event.pk, str(markers))
    wait_for(lambda: started(markers), what="the task to start", worker=worker)

    worker.kill()  # main process and child at once: nobody is left to requeue the task
    (markers / "go").touch()
    # Redis keeps the unacknowledged message; a worker starting after the visibility
    # timeout takes it back and runs it.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    assert not (markers / "done").exists()
    worker.start()
    wait_for(
        lambda: (markers / "done").exists(),
        timeout=60,
        what="the task to finish after the restart",
        worker=worker,
    )
    assert len(started(markers)) == 2
    assert_notified_once(event, mail_dir)
