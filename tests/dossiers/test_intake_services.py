"""Intake: drafts, documents, submission, dossier codes, counter reception."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers.constants import Channel, DossierState, EventKind
from dossiers.exceptions import DossierConflict, DossierIncomplete, IntakeRefused, NotAllowed
from dossiers.models import Dossier, DossierEvent
from dossiers.services import (
    ReceiptLine,
    dossier_counter_receive,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_hand_to_citizen,
    dossier_submit,
    dossier_takeover_in_person,
)
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from tests.dossiers.conftest import complete_values, pdf_file, png_file

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
pytestmark = pytest.mark.django_db


def sickness_draft(catalogue, citizen, province=1):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    return dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(dossier.version),
        next_step=4,
        province_code=province,
        address="12 Tràng Tiền, Hà Nội",
    )


def add_medical_certificate(dossier, citizen):
    component = dossier.version.components.get(code="medical_leave_certificate")
    return dossier_document_add(
        dossier=dossier, component=component, uploaded=png_file(), actor=citizen
    )


def test_draft_is_prefilled_with_what_vss_knows(catalogue, citizen):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    assert dossier.state == DossierState.DRAFT
    assert dossier.data["full_name"] == "Nguyễn Văn An"
    assert dossier.data["national_id"] == "001090012345"
    assert dossier.data["phone"] == "0912345678"
    assert dossier.draft_expires_at is not None
    assert dossier.events.get().kind == EventKind.CREATED


def test_submission_names_exactly_what_is_missing(catalogue, citizen):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    with pytest.raises(DossierIncomplete) as error:
        dossier_submit(dossier=dossier, actor=citizen)
    missing = " | ".join(error.value.missing)
    assert "leave" in missing.lower() or "nghỉ" in missing.lower()
    assert any("/" in item for item in error.value.missing)  # one of the treatment proofs
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert dossier.code is None


@time_machine.travel(dt.datetime(2026, 2, 12, 10, 0, tzinfo=VN), tick=False)
def test_submit_gives_code_and_appointed_date_across_tet(
    catalogue, citizen, offices, django_capture_on_commit_callbacks
):
    dossier = sickness_draft(catalogue, citizen)
    add_medical_certificate(dossier, citizen)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submitted = dossier_submit(dossier=dossier, actor=citizen)
    slip_rows = OutboxMessage.objects.filter(
        handler="dossiers.handlers.reception_slip", payload__dossier_id=submitted.pk
    )
    assert [row.status for row in slip_rows] == [MessageStatus.DELIVERED]
    assert len(callbacks) >= 1
    assert submitted.state == DossierState.SUBMITTED
    assert CODE.match(submitted.code)
    assert submitted.code == f"{offices[1].agency_code}-260212-0001"
    # 7 working days from Thu 12 Feb 2026 10:00 skip Tết (14-22 Feb): Mon 2 Mar 10:00.
    assert submitted.due_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN)
    assert submitted.competent_office == offices[1]
    assert submitted.events.filter(kind=EventKind.SUBMITTED, citizen_visible=True).exists()
    # The reception slip was issued on commit (eager Celery in tests).
    assert submitted.slips.filter(kind="reception").count() == 1


def test_submitting_twice_creates_one_dossier(catalogue, citizen):
    dossier = sickness_draft(catalogue, citizen)
    add_medical_certificate(dossier, citizen)
    first = dossier_submit(dossier=dossier, actor=citizen, submission_key="key-1")
    again = dossier_submit(dossier=dossier, actor=citizen, submission_key="key-1")
    other_key = dossier_submit(dossier=dossier, actor=citizen, submission_key="key-2")
    assert first.pk == again.pk == other_key.pk
    assert first.code == other_key.code
    assert Dossier.objects.exclude(state=DossierState.DRAFT).count() == 1
    assert DossierEvent.objects.filter(kind=EventKind.SUBMITTED).count() == 1


def test_daily_sequence_counts_per_office(catalogue, citizen, offices):
    codes = []
    for _ in range(3):
        dossier = sickness_draft(catalogue, citizen)
        add_medical_certificate(dossier, citizen)
        codes.append(dossier_submit(dossier=dossier, actor=citizen).code)
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    hcm = sickness_draft(catalogue, citizen, province=79)
    add_medical_certificate(hcm, citizen)
    assert dossier_submit(dossier=hcm, actor=citizen).code.endswith("-0001")


def test_stale_revision_is_refused(catalogue, citizen):
    dossier = sickness_draft(catalogue, citizen)
    stale = dossier.revision - 1
    with pytest.raises(DossierConflict):
        dossier_draft_save(
            dossier=dossier,
            actor=citizen,
            values={"treatment_facility": "X"},
            next_step=2,
            revision=stale,
        )
    dossier.refresh_from_db()
    assert dossier.data["treatment_facility"] != "X"


def test_another_citizen_cannot_edit_or_submit(catalogue, citizen):
    from tests.factories import UserFactory

    intruder = UserFactory(citizen=True)
    dossier = sickness_draft(catalogue, citizen)
    with pytest.raises(NotAllowed):
        dossier_draft_save(dossier=dossier, actor=intruder, values={}, next_step=2)
    with pytest.raises(NotAllowed):
        dossier_submit(dossier=dossier, actor=intruder)


def test_documents_record_hash_and_pages(catalogue, citizen):
    dossier = sickness_draft(catalogue, citizen)
    component = dossier.version.components.get(code="hospital_discharge_paper")
    document = dossier_document_add(
        dossier=dossier, component=component, uploaded=pdf_file(pages=3), actor=citizen
    )
    assert len(document.sha256) == 64
    assert document.page_count == 3
    assert document.content_type == "application/pdf"
    assert "scan" not in document.file.name  # stored under an unguessable name
    assert document.file.storage.exists(document.file.name)


def test_a_pdf_named_like_a_program_is_stored_and_shown_as_a_pdf(catalogue, citizen):
    dossier = sickness_draft(catalogue, citizen)
    component = dossier.version.components.get(code="hospital_discharge_paper")
    uploaded = pdf_file()
    uploaded.name = "invoice\u202efdp.exe"  # shows as "invoiceexe.pdf" in a browser

    document = dossier_document_add(
        dossier=dossier, component=component, uploaded=uploaded, actor=citizen
    )

    assert document.file.name.endswith(".pdf")
    assert document.original_name == "invoicefdp.exe"  # read as what it is


def counter_draft(
    catalogue, officer, slug, province, national_id="079303012345", name="Phạm Thị Mai"
):
    dossier = dossier_draft_create(
        procedure=catalogue[slug],
        actor=officer,
        channel=Channel.COUNTER,
        applicant_details={
            "name": name,
            "national_id": national_id,
            "province_code": province,
            "address": "Quận 1, TP. Hồ Chí Minh",
        },
    )
    return dossier_draft_save(
        dossier=dossier,
        actor=officer,
        values=complete_values(dossier.version, {"national_id": national_id, "full_name": name}),
        next_step=4,
    )


def paper_lines(dossier):
    return [
        ReceiptLine(component=c, original_or_copy=c.original_or_copy, quantity=1)
        for c in dossier.version.components.filter(requirement="mandatory")
    ]


def test_counter_receives_a_dossier_from_another_province(catalogue, counter_hn, offices):
    dossier = counter_draft(catalogue, counter_hn, "maternity-benefit-direct", province=79)
    received = dossier_counter_receive(
        dossier=dossier, officer=counter_hn, receipts=paper_lines(dossier)
    )
    assert received.state == DossierState.RECEIVED
    assert received.receiving_office == offices[1]
    assert received.competent_office == offices[79]
    assert received.code.startswith(offices[1].agency_code)
    assert received.received_by == counter_hn
    event = received.events.get(kind=EventKind.RECEIVED)
    assert event.payload["across_boundaries"] is True


def test_field_inspection_procedure_refused_at_a_foreign_office(
    demo_catalogue, counter_hn, counter_hcm
):
    catalogue = demo_catalogue
    dossier = counter_draft(catalogue, counter_hn, "demo-field-inspection", province=79)
    with pytest.raises(IntakeRefused) as error:
        dossier_counter_receive(dossier=dossier, officer=counter_hn, receipts=paper_lines(dossier))
    assert "Hồ Chí Minh" in str(error.value.message)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    # The competent office itself receives it.
    local = counter_draft(catalogue, counter_hcm, "demo-field-inspection", province=79)
    received = dossier_counter_receive(
        dossier=local, officer=counter_hcm, receipts=paper_lines(local)
    )
    assert received.state == DossierState.RECEIVED


def test_online_draft_handed_to_counter_and_back(catalogue, citizen, counter_hn):
    dossier = sickness_draft(catalogue, citizen)
    at_counter = dossier_takeover_in_person(
        dossier=dossier, officer=counter_hn, id_number=citizen.national_id, confirmed=True
    )
    assert at_counter.channel == Channel.COUNTER
    with pytest.raises(NotAllowed):
        dossier_submit(dossier=at_counter, actor=citizen)
    back = dossier_hand_to_citizen(dossier=at_counter, officer=counter_hn)
    assert back.channel == Channel.ONLINE
    assert back.applicant == citizen
    actors = set(back.events.values_list("actor__username", flat=True))
    assert {citizen.username, counter_hn.username} <= actors


def test_events_cannot_be_changed_or_deleted(catalogue, citizen):
    from django.db import DatabaseError, connection, transaction

    from dossiers.audit import set_purge_allowed

    dossier = sickness_draft(catalogue, citizen)
    event = dossier.events.first()
    with pytest.raises(PermissionError):
        event.save()
    set_purge_allowed(connection, False)  # as in production
    try:
        for statement in (
            "UPDATE dossiers_dossierevent SET reason = 'x' WHERE id = %s",
            "DELETE FROM dossiers_dossierevent WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(statement, [event.pk])
    finally:
        set_purge_allowed(connection, True)
    assert DossierEvent.objects.filter(pk=event.pk, reason="").exists()
