"""The applicant's confirmation after a submission or counter reception: inbox, e-mail with
the reception slip attached, a short SMS; once per dossier however often the task runs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from dossiers.services import dossier_counter_receive, dossier_submit
from dossiers.tasks import reception_slip_generate
from notifications.models import Notification
from tests.dossiers.test_intake_services import (
    add_medical_certificate,
    counter_draft,
    paper_lines,
    sickness_draft,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def _pdf_attachments(message):
    return [a for a in message.attachments if a[2] == "application/pdf"]


@time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=VN), tick=False)
def test_an_online_submission_is_confirmed_in_the_inbox_and_by_e_mail_with_the_slip(
    catalogue, citizen, offices, django_capture_on_commit_callbacks
):
    dossier = sickness_draft(catalogue, citizen)
    add_medical_certificate(dossier, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = dossier_submit(dossier=dossier, actor=citizen)

    inbox = Notification.objects.filter(
        recipient=citizen, channel="inbox", event__dossier=submitted
    )
    assert inbox.count() == 1
    assert submitted.code in inbox.get().subject
    page = reverse("dossiers:detail", kwargs={"reference": submitted.reference})
    assert page in inbox.get().body  # where the slip can be downloaded
    [email] = [m for m in mail.outbox if m.to == ["an@example.vn"]]
    [(name, content, _mimetype)] = _pdf_attachments(email)
    assert content.startswith(b"%PDF")
    assert content == submitted.slips.get(kind="reception").file.open("rb").read()
    assert submitted.code in name
    sms = Notification.objects.get(event__dossier=submitted, channel="sms")
    assert len(sms.body) <= 160

    # The task again (a retry, a second worker): no second confirmation.
    reception_slip_generate.delay(submitted.pk)
    assert inbox.count() == 1
    assert len([m for m in mail.outbox if m.to == ["an@example.vn"]]) == 1


@time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=VN), tick=False)
def test_a_counter_reception_e_mails_the_slip_to_the_applicant(
    catalogue, counter_hn, offices, django_capture_on_commit_callbacks
):
    from dossiers.models import Dossier

    draft = counter_draft(catalogue, counter_hn, "maternity-benefit-direct", province=1)
    Dossier.objects.filter(pk=draft.pk).update(applicant_email="mai@example.vn")
    draft = Dossier.objects.get(pk=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        received = dossier_counter_receive(
            dossier=draft, officer=counter_hn, receipts=paper_lines(draft)
        )

    [email] = [m for m in mail.outbox if m.to == ["mai@example.vn"]]
    assert received.code in email.subject
    assert len(_pdf_attachments(email)) == 1
