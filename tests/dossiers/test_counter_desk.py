"""The counter beyond reception: refusing a walk-in dossier (form 03) and a withdrawal asked
for in person (identity checked against the applicant)."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from accounts.constants import Role
from dossiers.constants import Channel, DossierState, EventKind, SlipKind
from dossiers.exceptions import DossierError, NotAllowed
from dossiers.models import DailySequence, Dossier
from dossiers.services import (
    IdentityMismatch,
    dossier_counter_receive,
    dossier_counter_refuse,
    dossier_draft_create,
    dossier_draft_save,
    dossier_withdraw_in_person,
)
from notifications.models import Notification
from tests.dossiers.conftest import complete_values
from tests.dossiers.factories import make_dossier
from tests.dossiers.test_intake_services import paper_lines
from tests.factories import UserFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=HCM)
APPLICANT_ID = "079303012345"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def walk_in_draft(catalogue, officer, province=79):
    dossier = dossier_draft_create(
        procedure=catalogue["maternity-benefit-direct"],
        actor=officer,
        channel=Channel.COUNTER,
        applicant_details={
            "name": "Phạm Thị Mai",
            "national_id": APPLICANT_ID,
            "province_code": province,
            "phone": "0912345678",
            "address": "Quận 1, TP. Hồ Chí Minh",
        },
    )
    return dossier_draft_save(
        dossier=dossier,
        actor=officer,
        values=complete_values(
            dossier.version, {"national_id": APPLICANT_ID, "full_name": "Phạm Thị Mai"}
        ),
        next_step=4,
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def received_walk_in(catalogue, officer):
    dossier = walk_in_draft(catalogue, officer)
    return dossier_counter_receive(dossier=dossier, officer=officer, receipts=paper_lines(dossier))


# --- refusal of a walk-in dossier ---------------------------------------------------------


def test_counter_refusal_records_a_coded_refused_dossier_with_its_slip(
    catalogue, counter_hn, offices, django_capture_on_commit_callbacks
):
    dossier = walk_in_draft(catalogue, counter_hn)
    with django_capture_on_commit_callbacks(execute=True):
        refused = dossier_counter_refuse(
            dossier=dossier, officer=counter_hn, reason="Hồ sơ không thuộc thẩm quyền giải quyết"
        )
    assert refused.state == DossierState.REFUSED
    assert refused.code == f"{offices[1].agency_code}-261123-0001"
    assert refused.receiving_office == offices[1]
    assert refused.competent_office == offices[79]
    assert refused.submitted_at is not None
    assert refused.received_at is None
    assert refused.due_at is None  # no appointment: it was never received
    assert refused.stop_reason == "Hồ sơ không thuộc thẩm quyền giải quyết"
    event = refused.events.get(to_state=DossierState.REFUSED)
    assert event.kind == EventKind.TRANSITION
    assert event.actor == counter_hn
    assert event.citizen_visible
    assert event.payload == {"action": "refuse", "at_counter": True}
    slip = refused.slips.get(kind=SlipKind.REFUSAL)
    text = pdf_text(slip.file.read())
    assert "TỪ CHỐI TIẾP NHẬN" in text
    assert "không thuộc thẩm quyền" in text
    assert refused.code in text
    # The applicant hears of it on the phone given at the counter.
    assert Notification.objects.filter(event=event, channel="sms").exists()
    # Pressing the button again changes nothing.
    again = dossier_counter_refuse(dossier=refused, officer=counter_hn, reason="Khác")
    assert again.code == refused.code
    assert again.events.filter(to_state=DossierState.REFUSED).count() == 1
    assert DailySequence.objects.get(office=offices[1]).last_number == 1


def test_counter_refusal_needs_a_reason_and_the_draft_s_own_counter(
    catalogue, counter_hn, counter_hcm
):
    dossier = walk_in_draft(catalogue, counter_hn)
    with pytest.raises(DossierError):
        dossier_counter_refuse(dossier=dossier, officer=counter_hn, reason="   ")
    with pytest.raises(NotAllowed):
        dossier_counter_refuse(dossier=dossier, officer=counter_hcm, reason="Sai thủ tục")
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFT


def test_refusal_page_asks_for_the_reason_then_offers_the_slip(client, catalogue, counter_hn):
    dossier = walk_in_draft(catalogue, counter_hn)
    client.force_login(counter_hn)
    url = reverse("dossiers:counter_refuse", args=[dossier.reference])
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert missing.context["form"].errors["reason"]
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFT

    done = client.post(url, {"reason": "Giấy tờ không hợp lệ"})
    assert done.status_code == 302
    detail = client.get(done["Location"])
    assert 'data-testid="refusal-slip-download"' in detail.content.decode()
    assert 'data-testid="slip-download"' not in detail.content.decode()

    refused = Dossier.objects.get(pk=dossier.pk)
    slip = client.get(reverse("dossiers:refusal_slip", args=[dossier.reference]))
    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"
    assert "PHIẾU TỪ CHỐI" in pdf_text(b"".join(slip.streaming_content))
    assert f"phieu-tu-choi-{refused.code}.pdf" in slip["Content-Disposition"]
    # A refused walk-in was never received: there is no reception slip to print.
    reception = client.get(reverse("dossiers:reception_slip", args=[dossier.reference]))
    assert reception.status_code == 404


def test_the_steps_of_a_counter_draft_link_to_the_refusal(client, catalogue, counter_hn):
    dossier = walk_in_draft(catalogue, counter_hn)
    client.force_login(counter_hn)
    page = client.get(reverse("dossiers:resume", args=[dossier.reference]), follow=True)
    assert reverse("dossiers:counter_refuse", args=[dossier.reference]) in page.content.decode()


def test_citizens_cannot_refuse_at_the_counter(client, catalogue, counter_hn, citizen):
    dossier = walk_in_draft(catalogue, counter_hn)
    client.force_login(citizen)
    response = client.post(
        reverse("dossiers:counter_refuse", args=[dossier.reference]), {"reason": "x"}
    )
    assert response.status_code == 404


# --- withdrawal asked for in person -------------------------------------------------------


def test_in_person_withdrawal_checks_the_id_and_tells_the_applicant(
    catalogue, counter_hn, django_capture_on_commit_callbacks
):
    dossier = received_walk_in(catalogue, counter_hn)
    with pytest.raises(IdentityMismatch):
        dossier_withdraw_in_person(
            dossier=dossier, officer=counter_hn, id_number="079303099999", reason="Nộp nhầm"
        )
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = dossier_withdraw_in_person(
            dossier=dossier, officer=counter_hn, id_number=APPLICANT_ID, reason="Nộp nhầm thủ tục"
        )
    assert withdrawn.state == DossierState.WITHDRAWN
    assert withdrawn.stop_reason == "Nộp nhầm thủ tục"
    event = withdrawn.events.get(to_state=DossierState.WITHDRAWN)
    assert event.actor == counter_hn
    assert event.reason == "Nộp nhầm thủ tục"
    assert event.citizen_visible
    assert event.payload == {"action": "withdraw", "in_person": True, "identity_checked": True}
    assert Notification.objects.filter(event=event, channel="sms").exists()


def test_in_person_withdrawal_only_at_the_counter_of_the_dossier(
    catalogue, counter_hn, counter_hcm
):
    dossier = received_walk_in(catalogue, counter_hn)
    # The competent office (Hồ Chí Minh City) may withdraw it too; a stale page may not.
    with pytest.raises(DossierError):
        dossier_withdraw_in_person(
            dossier=dossier,
            officer=counter_hcm,
            id_number=APPLICANT_ID,
            reason="x",
            revision=dossier.revision - 1,
        )
    with pytest.raises(DossierError):
        dossier_withdraw_in_person(
            dossier=dossier, officer=counter_hn, id_number=APPLICANT_ID, reason=" "
        )
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED


def test_withdrawal_page_gives_field_errors_then_withdraws(client, catalogue, counter_hn):
    dossier = received_walk_in(catalogue, counter_hn)
    client.force_login(counter_hn)
    detail = client.get(reverse("dossiers:detail", args=[dossier.reference]))
    url = reverse("dossiers:counter_withdraw", args=[dossier.reference])
    assert url in detail.content.decode()

    malformed = client.post(url, {"id_number": "12ab", "reason": "Nộp nhầm"})
    assert malformed.status_code == 400
    assert malformed.context["form"].errors["id_number"]

    mismatch = client.post(url, {"id_number": "079303099999", "reason": "Nộp nhầm"})
    assert mismatch.status_code == 400
    assert "không khớp với người nộp" in str(mismatch.context["form"].errors["id_number"])
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED

    done = client.post(
        url, {"id_number": APPLICANT_ID, "reason": "Nộp nhầm", "revision": dossier.revision}
    )
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.WITHDRAWN
    # Nothing left to withdraw: the page is gone.
    assert client.get(url).status_code == 404


OPEN_BEFORE_DECISION = {
    DossierState.SUBMITTED,
    DossierState.RECEIVED,
    DossierState.IN_PROCESSING,
    DossierState.APPRAISAL,
    DossierState.SUPPLEMENT_REQUESTED,
    DossierState.PAYMENT_REQUESTED,
}


@pytest.mark.parametrize("state", [s for s in DossierState if s != DossierState.DRAFT])
def test_in_person_withdrawal_matrix(catalogue, offices, state):
    """Only a counter officer of the dossier's office, and only before a decision."""
    people = {
        "counter": UserFactory(username="w-counter", role=Role.COUNTER_OFFICER, office=offices[1]),
        "counter_far": UserFactory(
            username="w-counter-far", role=Role.COUNTER_OFFICER, office=offices[79]
        ),
        "officer": UserFactory(
            username="w-officer", role=Role.PROCESSING_OFFICER, office=offices[1]
        ),
        "leader": UserFactory(username="w-leader", role=Role.OFFICE_LEADER, office=offices[1]),
        "applicant": UserFactory(citizen=True, username="w-applicant"),
    }
    for role, user in people.items():
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"], state=state, office=offices[1]
        )
        allowed = role == "counter" and state in OPEN_BEFORE_DECISION
        if allowed:
            result = dossier_withdraw_in_person(
                dossier=dossier, officer=user, id_number="001090012345", reason="Nộp nhầm"
            )
            assert result.state == DossierState.WITHDRAWN
        else:
            with pytest.raises(DossierError):
                dossier_withdraw_in_person(
                    dossier=dossier, officer=user, id_number="001090012345", reason="Nộp nhầm"
                )
            assert Dossier.objects.get(pk=dossier.pk).state == state, (role, state)
