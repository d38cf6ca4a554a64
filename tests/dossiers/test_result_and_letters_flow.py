"""Signing the result, letters issued by events, and what the citizen is told."""

import pytest
from django.core import mail

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.constants import SlipKind
from dossiers.documents.signing import DEMO_CERT_NAME, verify_pdf_signature
from dossiers.services import (
    dossier_request_supplement,
    dossier_return_result,
    dossier_sign,
)
from notifications.models import Notification
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path  # the demo identity is created under tmp_path/var/signing
    return tmp_path / "var" / "signing"


def test_leader_signature_produces_a_valid_pades_result(
    catalogue, offices, signing_dir, client, django_capture_on_commit_callbacks
):
    citizen = UserFactory(citizen=True, username="r-citizen", email="r@example.vn")
    leader = UserFactory(
        username="r-leader", role=Role.OFFICE_LEADER, office=offices[1], full_name="Hoàng Văn Giang"
    )
    counter = UserFactory(username="r-counter", role=Role.COUNTER_OFFICER, office=offices[1])
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.AWAITING_SIGNATURE,
        office=offices[1],
        applicant=citizen,
        decision_text="Đồng ý giải quyết 5 ngày hưởng chế độ ốm đau.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed = dossier_sign(dossier=dossier, leader=leader)
    assert signed.state == S.PROCESSED
    result = signed.slips.get(kind=SlipKind.RESULT)
    assert result.signed
    pdf = result.file.read()
    check = verify_pdf_signature(pdf, trust_cert_path=signing_dir / DEMO_CERT_NAME)
    assert check["intact"]
    assert check["valid"]
    assert check["trusted"]

    # The citizen cannot download the result before it is returned ...
    client.force_login(citizen)
    url = f"/dossiers/d/{dossier.reference}/slips/{result.pk}/"
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        dossier_return_result(dossier=signed, officer=counter, delivery="electronic")
    # ... and can once it is.
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf


def test_supplement_request_issues_the_letter_and_notifies_the_citizen(
    catalogue, offices, django_capture_on_commit_callbacks
):
    citizen = UserFactory(
        citizen=True,
        username="s-citizen",
        email="s@example.vn",
        phone="0912345678",
        preferred_language="vi",
    )
    officer = UserFactory(username="s-officer", role=Role.PROCESSING_OFFICER, office=offices[1])
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=offices[1],
        applicant=citizen,
        assigned_to=officer,
        applicant_email="s@example.vn",
        applicant_phone="0912345678",
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_request_supplement(
            dossier=dossier,
            actor=officer,
            reason="Thiếu giấy ra viện",
            items=["Giấy ra viện bản sao"],
        )
    letter = dossier.slips.get(kind=SlipKind.SUPPLEMENT)
    assert letter.event.payload["items"] == ["Giấy ra viện bản sao"]
    channels = set(
        Notification.objects.filter(event=letter.event).values_list("channel", flat=True)
    )
    assert channels == {"inbox", "email", "sms"}
    assert len(mail.outbox) == 1
    assert dossier.code in mail.outbox[0].subject
    assert "Giấy ra viện bản sao" in mail.outbox[0].body

    # Running the notification's handler again sends nothing twice.
    from notifications.handlers import citizen_notify
    from outbox.models import OutboxMessage

    citizen_notify(
        OutboxMessage.objects.get(
            handler="notifications.handlers.citizen_notify", ref_id=letter.event.pk
        )
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(event=letter.event).count() == 3
