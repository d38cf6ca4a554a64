"""Workflow actions over the API follow the same rules as the officers' pages."""

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from dossiers.constants import DossierState
from dossiers.models import Dossier
from tests.api.conftest import (
    CITIZEN_KNOWN,
    file_sickness_draft,
    pdf_upload,
    required_values,
    session_client,
)
from tests.dossiers.factories import make_dossier

pytestmark = pytest.mark.django_db


def _submitted(client, version, **kwargs) -> dict:
    body = file_sickness_draft(client, version, **kwargs)
    response = client.post(f"/api/v1/dossiers/{body['reference']}/submit/")
    assert response.status_code == 200, response.content
    return response.json()


def _act(client, code, action, body=None, **headers):
    return client.post(
        f"/api/v1/dossiers/{code}/actions/{action}/", body or {}, format="json", **headers
    )


def test_a_dossier_goes_from_reception_to_result_through_the_api(
    citizen_client, sickness, officers
):
    _procedure, version = sickness
    code = _submitted(citizen_client, version, known=CITIZEN_KNOWN)["code"]
    counter = session_client(officers["counter"])
    leader = session_client(officers["leader"])
    officer = session_client(officers["processing"])

    received = _act(counter, code, "accept")
    assert received.status_code == 200, received.content
    assert received.json()["state"] == "received"

    assigned = _act(leader, code, "assign", {"officer": officers["processing"].pk})
    assert assigned.json()["state"] == "in_processing"
    assert _act(officer, code, "send_to_appraisal").json()["state"] == "appraisal"
    proposed = _act(officer, code, "approve", {"decision_text": "Đủ điều kiện hưởng."})
    assert proposed.json()["state"] == "awaiting_signature"
    # The applicant does not see the proposed decision before it is final.
    mine = citizen_client.get(f"/api/v1/dossiers/{code}/").json()
    assert (mine["outcome"], mine["decision_text"]) == ("", "")
    assert _act(leader, code, "sign").json()["state"] == "processed"
    returned = _act(counter, code, "return_result", {"delivery": "electronic"})
    assert returned.json()["state"] == "returned"
    final = citizen_client.get(f"/api/v1/dossiers/{code}/").json()
    assert final["outcome"] == "approved"
    assert final["timeliness"] in {"early", "on_time"}


def test_roles_and_states_are_enforced_like_on_the_pages(citizen_client, sickness, officers):
    _procedure, version = sickness
    code = _submitted(citizen_client, version, known=CITIZEN_KNOWN)["code"]

    by_citizen = _act(citizen_client, code, "accept")
    by_leader = _act(session_client(officers["leader"]), code, "sign")
    # A role that may never act is forbidden; one that may, but not in this state, conflicts.
    assert by_citizen.status_code == 403
    assert by_citizen.json()["code"] == "not_allowed"
    assert by_leader.status_code == 409
    assert by_leader["Content-Type"] == "application/problem+json"
    assert by_leader.json()["code"] == "invalid_state"
    assert by_leader.json()["type"].endswith("/problems/invalid-state")
    assert Dossier.objects.get(code=code).state == DossierState.SUBMITTED


def test_the_openapi_document_tells_state_conflicts_from_forbidden_roles():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    responses = schema["paths"]["/api/v1/dossiers/{code}/actions/sign/"]["post"]["responses"]
    conflict = responses["409"]["content"]["application/problem+json"]["examples"]
    forbidden = responses["403"]["content"]["application/problem+json"]["examples"]
    assert {e["value"]["code"] for e in conflict.values()} == {"invalid_state", "conflict"}
    assert {e["value"]["code"] for e in forbidden.values()} == {"not_allowed"}


def test_another_offices_officer_does_not_even_see_the_dossier(citizen_client, sickness, offices):
    from accounts.constants import Role
    from tests.factories import UserFactory

    _procedure, version = sickness
    code = _submitted(citizen_client, version, known=CITIZEN_KNOWN)["code"]
    elsewhere = UserFactory(role=Role.COUNTER_OFFICER, office=offices[79])

    assert _act(session_client(elsewhere), code, "accept").status_code == 404


def test_a_reason_is_required_where_the_pages_require_one(citizen_client, sickness, officers):
    _procedure, version = sickness
    code = _submitted(citizen_client, version, known=CITIZEN_KNOWN)["code"]

    blank = _act(session_client(officers["counter"]), code, "refuse", {"reason": "   "})
    supplement = _act(
        session_client(officers["counter"]), code, "request_supplement", {"reason": "Thiếu"}
    )

    assert blank.status_code == 400
    assert blank.json()["errors"][0]["field"] == "reason"
    assert supplement.status_code == 400
    assert supplement.json()["errors"][0]["field"] == "items"


def test_stale_if_match_is_refused_with_412_and_changes_nothing(citizen_client, sickness, officers):
    _procedure, version = sickness
    submitted = _submitted(citizen_client, version, known=CITIZEN_KNOWN)
    code, revision = submitted["code"], submitted["revision"]
    counter = session_client(officers["counter"])

    stale = _act(counter, code, "accept", HTTP_IF_MATCH=f'"{revision - 1}"')
    fresh = _act(counter, code, "accept", HTTP_IF_MATCH=f'"{revision}"')

    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert fresh.status_code == 200
    assert fresh["ETag"] == f'"{revision + 1}"'


def test_a_partner_withdraws_and_supplies_its_own_filing_but_takes_no_officer_action(
    ivan, sickness, officers
):
    _procedure, version = sickness
    code = _submitted(ivan.client, version)["code"]

    assert _act(ivan.client, code, "accept").status_code == 403

    counter = session_client(officers["counter"])
    requested = _act(
        counter, code, "request_supplement", {"reason": "Thiếu giấy", "items": ["Giấy ra viện"]}
    )
    assert requested.json()["state"] == "supplement_requested"
    detail = ivan.client.get(f"/api/v1/dossiers/{code}/").json()
    assert detail["supplement_items"] == ["Giấy ra viện"]
    assert {a["name"] for a in detail["available_actions"]} == {"supply", "withdraw"}

    too_early = _act(ivan.client, code, "supply", {"note": "Đã bổ sung"})
    assert too_early.status_code == 400  # the requested document must be uploaded first
    upload = ivan.client.post(
        f"/api/v1/dossiers/{code}/documents/",
        {"component": "hospital_discharge_paper", "file": pdf_upload("giay-ra-vien.pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    supplied = _act(ivan.client, code, "supply", {"note": "Đã bổ sung"})
    assert supplied.status_code == 200, supplied.content
    assert supplied.json()["state"] == "submitted"

    withdrawn = _act(ivan.client, code, "withdraw", {"reason": "Người lao động rút hồ sơ"})
    assert withdrawn.json()["state"] == "withdrawn"


def test_assign_needs_a_processing_officer(citizen_client, sickness, officers, catalogue, offices):
    dossier = make_dossier(procedure=sickness[0], state=DossierState.RECEIVED, office=offices[1])
    leader = session_client(officers["leader"])

    not_an_officer = _act(leader, dossier.code, "assign", {"officer": officers["counter"].pk})
    nobody = _act(leader, dossier.code, "assign", {"officer": 999999})

    assert not_an_officer.status_code == 400
    assert nobody.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED


def test_apology_needs_a_later_date(sickness, officers, offices):
    dossier = make_dossier(
        procedure=sickness[0],
        state=DossierState.IN_PROCESSING,
        office=offices[1],
        assigned_to=officers["processing"],
    )
    officer = session_client(officers["processing"])

    earlier = _act(
        officer,
        dossier.code,
        "apologise",
        {"reason": "Chờ xác minh", "new_due_at": "2020-01-01T08:00:00+07:00"},
    )
    invalid = _act(officer, dossier.code, "apologise", {"reason": "x", "new_due_at": "soon"})

    assert earlier.status_code == 400
    assert earlier.json()["code"] == "dossier_error"
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["field"] == "new_due_at"


def test_every_workflow_action_has_its_endpoint():
    from dossiers.api.actions import ACTION_VIEWS
    from dossiers.services import ACTIONS

    assert set(ACTIONS) <= set(ACTION_VIEWS)


def _verified(citizen) -> None:
    """The citizen signed in with VNeID: the registry learns them from their first dossier
    (it never learns a typed identity)."""
    citizen.identity_verified_at = timezone.now()
    citizen.date_of_birth = dt.date(1990, 5, 17)
    citizen.gender = "male"
    citizen.save(update_fields=["identity_verified_at", "date_of_birth", "gender"])


def test_a_processing_officer_takes_the_next_dossier_due_first(
    citizen, citizen_client, sickness, officers, ivan
):
    _procedure, version = sickness
    _verified(citizen)
    counter = session_client(officers["counter"])
    first_code = _submitted(citizen_client, version, known=CITIZEN_KNOWN)["code"]
    # The registry learnt the citizen from the first dossier: since 1 July 2025 their CCCD is
    # their SI code, so the second dossier does not ask for it again.
    second_code = _submitted(citizen_client, version, known=(*CITIZEN_KNOWN, "si_code"))["code"]
    codes = [first_code, second_code]
    for code in codes:
        assert _act(counter, code, "accept").status_code == 200
    officer = session_client(officers["processing"])

    first = officer.post("/api/v1/worklist/take-next/")
    second = officer.post("/api/v1/worklist/take-next/")
    nothing = officer.post("/api/v1/worklist/take-next/")

    assert first.status_code == second.status_code == 200
    assert {first.json()["code"], second.json()["code"]} == set(codes)
    assert first.json()["state"] == "in_processing"
    assert first.json()["code"] == codes[0]  # both due the same day: the older first
    assert nothing.status_code == 204
    assert Dossier.objects.filter(assigned_to=officers["processing"]).count() == 2
    # Others cannot take work from the queue.
    assert counter.post("/api/v1/worklist/take-next/").status_code == 403
    assert citizen_client.post("/api/v1/worklist/take-next/").status_code == 403
    assert ivan.client.post("/api/v1/worklist/take-next/").status_code == 403


def test_a_known_value_sent_again_is_accepted_and_a_different_one_refused(
    citizen, citizen_client, sickness
):
    _procedure, version = sickness
    _verified(citizen)
    _submitted(citizen_client, version, known=CITIZEN_KNOWN)  # the registry learns the citizen

    def draft(si_code):
        values = required_values(version, skip=CITIZEN_KNOWN)
        values["si_code"] = si_code
        return citizen_client.post(
            "/api/v1/dossiers/",
            {"procedure": "sickness-benefit", "province_code": 1, "data": values},
            format="json",
        )

    same = draft("001090012345")  # the CCCD VSS holds, which serves as the SI code
    other = draft("0123456789")

    assert same.status_code == 201
    assert other.status_code == 400
    assert other.json()["errors"][0]["code"] == "known_field"
