"""Every action × state × role: allowed ones succeed, forbidden ones change nothing.

The expectations below are written out by hand from the one-stop-shop rules, independently
of the ACTIONS table in the code, so a wrong permission in the code fails here.
"""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.exceptions import DossierError
from dossiers.models import Dossier
from dossiers.services import (
    dossier_accept,
    dossier_apologise,
    dossier_confirm_payment,
    dossier_decide,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_send_to_appraisal,
    dossier_sign,
    dossier_stop,
    dossier_supply,
    dossier_withdraw,
)
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

ROLES = [
    "applicant",
    "stranger",
    "counter",
    "counter_far",
    "officer",
    "officer2",
    "leader",
    "leader_far",
    "supervisor",
]
RECEPTION = {"counter", "officer", "officer2"}
OPEN_BEFORE_DECISION = {
    S.SUBMITTED,
    S.RECEIVED,
    S.IN_PROCESSING,
    S.APPRAISAL,
    S.SUPPLEMENT_REQUESTED,
    S.PAYMENT_REQUESTED,
}

# action -> {state: roles allowed}; the sickness procedure has appraisal and a leader's
# signature, and no payment step.
EXPECTED = {
    "accept": {S.SUBMITTED: RECEPTION},
    "refuse": {S.SUBMITTED: RECEPTION},
    "request_supplement": {
        S.SUBMITTED: RECEPTION,
        S.RECEIVED: RECEPTION,
        S.IN_PROCESSING: {"officer"},
        S.APPRAISAL: {"officer"},
    },
    "supply": {S.SUPPLEMENT_REQUESTED: {"applicant", "counter"}},
    "send_to_appraisal": {S.IN_PROCESSING: {"officer"}},
    "request_payment": {},
    "confirm_payment": {S.PAYMENT_REQUESTED: {"officer"}},
    "approve": {S.APPRAISAL: {"officer"}},
    "deny": {S.APPRAISAL: {"officer"}},
    "sign": {S.AWAITING_SIGNATURE: {"leader"}},
    "send_back": {S.AWAITING_SIGNATURE: {"leader"}},
    "return_result": {S.PROCESSED: {*RECEPTION, "leader"}},
    "apologise": {
        state: {"officer", "leader"}
        for state in (
            S.SUBMITTED,
            S.RECEIVED,
            S.IN_PROCESSING,
            S.APPRAISAL,
            S.AWAITING_SIGNATURE,
            S.PAYMENT_REQUESTED,
            S.PROCESSED,
        )
    },
    "stop": {
        state: {"leader"}
        for state in (
            S.RECEIVED,
            S.IN_PROCESSING,
            S.APPRAISAL,
            S.SUPPLEMENT_REQUESTED,
            S.PAYMENT_REQUESTED,
            S.AWAITING_SIGNATURE,
        )
    },
    "withdraw": {state: {"applicant"} for state in OPEN_BEFORE_DECISION},
}
STATES = [s for s in S if s != S.DRAFT]


def _supplement_document(dossier, user):
    """What the applicant uploads before saying the supplement is provided."""
    from dossiers.constants import DocumentSource
    from dossiers.models import DossierDocument

    DossierDocument.objects.create(
        dossier=dossier,
        source=DocumentSource.UPLOAD,
        file="x/y.pdf",
        original_name="y.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )


def _call(action, dossier, user):
    later = (dossier.due_at or timezone.now()) + dt.timedelta(days=3)
    calls = {
        "accept": lambda: dossier_accept(dossier=dossier, officer=user),
        "refuse": lambda: dossier_refuse(dossier=dossier, officer=user, reason="Sai thủ tục"),
        "request_supplement": lambda: dossier_request_supplement(
            dossier=dossier, actor=user, reason="Thiếu giấy tờ", items=["Giấy ra viện"]
        ),
        "supply": lambda: dossier_supply(dossier=dossier, actor=user),
        "send_to_appraisal": lambda: dossier_send_to_appraisal(dossier=dossier, officer=user),
        "request_payment": lambda: dossier_request_payment(dossier=dossier, officer=user),
        "confirm_payment": lambda: dossier_confirm_payment(dossier=dossier, officer=user),
        "approve": lambda: dossier_decide(
            dossier=dossier, officer=user, outcome="approved", decision_text="Đồng ý"
        ),
        "deny": lambda: dossier_decide(
            dossier=dossier, officer=user, outcome="denied", decision_text="Không đủ điều kiện"
        ),
        "sign": lambda: dossier_sign(dossier=dossier, leader=user),
        "send_back": lambda: dossier_send_back(dossier=dossier, leader=user, reason="Xem lại"),
        "return_result": lambda: dossier_return_result(
            dossier=dossier, officer=user, delivery="counter"
        ),
        "apologise": lambda: dossier_apologise(
            dossier=dossier, actor=user, reason="Quá tải", new_due_at=later
        ),
        "stop": lambda: dossier_stop(dossier=dossier, leader=user, reason="Theo yêu cầu"),
        "withdraw": lambda: dossier_withdraw(dossier=dossier, citizen=user, reason="Nộp nhầm"),
    }
    return calls[action]()


@pytest.fixture
def people(offices):
    hn, hcm = offices[1], offices[79]
    return {
        "applicant": UserFactory(citizen=True, username="m-applicant"),
        "stranger": UserFactory(citizen=True, username="m-stranger"),
        "counter": UserFactory(username="m-counter", role=Role.COUNTER_OFFICER, office=hn),
        "counter_far": UserFactory(username="m-counter-far", role=Role.COUNTER_OFFICER, office=hcm),
        "officer": UserFactory(username="m-officer", role=Role.PROCESSING_OFFICER, office=hn),
        "officer2": UserFactory(username="m-officer2", role=Role.PROCESSING_OFFICER, office=hn),
        "leader": UserFactory(username="m-leader", role=Role.OFFICE_LEADER, office=hn),
        "leader_far": UserFactory(username="m-leader-far", role=Role.OFFICE_LEADER, office=hcm),
        "supervisor": UserFactory(username="m-supervisor", role=Role.SUPERVISOR),
    }


def _snapshot(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (fresh.state, fresh.revision, fresh.due_at, fresh.events.count(), fresh.outcome)


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_action_matrix(catalogue, offices, people, state, action):
    allowed_roles = EXPECTED[action].get(state, set())
    for role in ROLES:
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=state,
            office=offices[1],
            applicant=people["applicant"],
            assigned_to=people["officer"],
        )
        if action == "supply" and role == "applicant":
            _supplement_document(dossier, people[role])
        before = _snapshot(dossier)
        if role in allowed_roles:
            result = _call(action, dossier, people[role])
            assert _snapshot(result) != before, f"{role} {action} on {state} changed nothing"
            assert result.events.filter(payload__action=action).exists()
        else:
            with pytest.raises(DossierError):
                _call(action, dossier, people[role])
            assert _snapshot(dossier) == before, f"{role} {action} on {state} changed the dossier"
