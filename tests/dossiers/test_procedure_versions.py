"""A dossier is governed by the procedure version in force when it is received.

Drafts live 30 days; a newer version may come into force meanwhile. The draft moves to it
(its files follow), the applicant sees what changed, and submission checks the new rules.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from dossiers.constants import Channel, DossierState, EventKind
from dossiers.exceptions import DossierIncomplete
from dossiers.services import (
    dossier_counter_receive,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from procedures.selectors import version_in_force
from procedures.services import procedure_version_create
from tests.dossiers.conftest import complete_values, pdf_file
from tests.dossiers.test_intake_services import counter_draft, paper_lines
from workdays.services import add_time_limit

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = dt.datetime(2026, 11, 25, 9, 0, tzinfo=HCM)  # a Wednesday
NEW_RULES_FROM = dt.date(2026, 12, 1)
SUBMITTED = dt.datetime(2026, 12, 2, 9, 0, tzinfo=HCM)  # a Wednesday, under the new rules

NEW_FIELD = {
    "name": "card_delivery_address",
    "label_vi": "Địa chỉ nhận thẻ",
    "label_en": "Address for the card",
    "type": "text",
    "required": True,
    "step": 2,
}
NEW_DOCUMENT = {
    "code": "portrait_photo",
    "name_vi": "Ảnh chân dung 3x4",
    "name_en": "Portrait photo 3x4",
    "original_or_copy": "original",
    "requirement": "mandatory",
    "file_types": ["pdf", "jpeg", "png"],
}


def publish_new_rules(procedure, *, time_limit=5, new_document=True, new_field=True):
    """A new version from 1 December 2026 (the old one ends the day before)."""
    old = version_in_force(procedure=procedure, on=NEW_RULES_FROM - dt.timedelta(days=1))
    components = [
        {
            "code": c.code,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "original_or_copy": c.original_or_copy,
            "quantity": c.quantity,
            "requirement": c.requirement,
            "condition_vi": c.condition_vi,
            "condition_en": c.condition_en,
            "file_types": list(c.file_types),
            "prefill_source": c.prefill_source,
            "one_of_group": c.one_of_group,
        }
        for c in old.components.all()
    ]
    fields = [dict(f) for f in old.field_definitions()]
    return procedure_version_create(
        procedure=procedure,
        effective_from=NEW_RULES_FROM,
        close_previous=True,
        legal_basis_vi="Văn bản mới (thử nghiệm)",
        time_limit=time_limit,
        time_limit_unit=old.time_limit_unit,
        fields=[*fields, NEW_FIELD] if new_field else fields,
        components=[*components, NEW_DOCUMENT] if new_document else components,
    )


def hi_card_draft(catalogue, citizen):
    """A complete HI-card re-issue draft opened under the rules in force in November."""
    dossier = dossier_draft_create(
        procedure=catalogue["hi-card-reissue-exchange"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    dossier = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(dossier.version),
        next_step=4,
        province_code=1,
        address="12 Tràng Tiền, Hà Nội",
    )
    component = dossier.version.components.get(code="declaration_tk1_ts")
    dossier_document_add(dossier=dossier, component=component, uploaded=pdf_file(), actor=citizen)
    return dossier


def test_submitted_dossier_takes_the_time_limit_in_force_at_submission(catalogue, citizen):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
        opened_under = dossier.version
    assert opened_under.time_limit == 7
    new = publish_new_rules(dossier.procedure, new_document=False, new_field=False)

    with time_machine.travel(SUBMITTED, tick=False):
        submitted = dossier_submit(dossier=dossier, actor=citizen)

    assert submitted.state == DossierState.SUBMITTED
    assert submitted.version == new
    assert submitted.due_at == add_time_limit(SUBMITTED, 5, "working_days")
    assert submitted.due_at.astimezone(HCM).date() == dt.date(2026, 12, 9)
    # The file given under the old rules follows its document to the new version.
    assert submitted.documents.get().component.version == new
    change = submitted.events.get(kind=EventKind.VERSION_CHANGED)
    assert change.payload == {"from_version": opened_under.pk, "to_version": new.pk}


def test_submission_before_the_new_rules_keeps_the_version_in_force(catalogue, citizen):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
        publish_new_rules(dossier.procedure)
        submitted = dossier_submit(dossier=dossier, actor=citizen)

    assert submitted.version == dossier.version
    assert submitted.due_at == add_time_limit(OPENED, 7, "working_days")


def test_submission_checks_what_the_new_version_requires_and_keeps_the_draft(catalogue, citizen):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    new = publish_new_rules(dossier.procedure)

    with time_machine.travel(SUBMITTED, tick=False):
        with pytest.raises(DossierIncomplete) as error:
            dossier_submit(dossier=dossier, actor=citizen)
        assert error.value.version_changed is True
        assert "Ảnh chân dung 3x4" in error.value.missing
        assert "Địa chỉ nhận thẻ" in error.value.missing
        dossier.refresh_from_db(fields=["version", "data"])
        # Nothing lost: the draft is under the new version, with its values and its file.
        assert dossier.version == new
        assert dossier.data["hi_card_number"]
        assert dossier.documents.get().component.version == new

        dossier = dossier_draft_save(
            dossier=dossier,
            actor=citizen,
            values={"card_delivery_address": "12 Tràng Tiền, Hà Nội"},
            next_step=4,
        )
        dossier_document_add(
            dossier=dossier,
            component=new.components.get(code="portrait_photo"),
            uploaded=pdf_file(),
            actor=citizen,
        )
        submitted = dossier_submit(dossier=dossier, actor=citizen)

    assert submitted.state == DossierState.SUBMITTED
    assert submitted.version == new


def test_counter_reception_uses_the_version_in_force_on_the_day_received(catalogue, counter_hn):
    with time_machine.travel(OPENED, tick=False):
        dossier = counter_draft(catalogue, counter_hn, "hi-card-reissue-exchange", province=1)
        lines = paper_lines(dossier)  # ticked on the page shown under the old rules
    new = publish_new_rules(dossier.procedure, new_document=False, new_field=False)

    with time_machine.travel(SUBMITTED, tick=False):
        received = dossier_counter_receive(dossier=dossier, officer=counter_hn, receipts=lines)

    assert received.state == DossierState.RECEIVED
    assert received.version == new
    assert received.due_at == add_time_limit(SUBMITTED, 5, "working_days")
    assert {r.component.version_id for r in received.paper_receipts.all()} == {new.pk}


def _review_url(dossier):
    return reverse("dossiers:step", args=[dossier.reference, "review"])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "vi",
            [
                "Quy định của thủ tục này đã thay đổi",
                "5 ngày làm việc",
                "7 ngày làm việc",
                "Ảnh chân dung 3x4",
                "Địa chỉ nhận thẻ",
            ],
        ),
        (
            "en",
            [
                "The rules of this procedure changed",
                "5 working days",
                "7 working days",
                "Portrait photo 3x4",
                "Address for the card",
            ],
        ),
    ],
)
def test_resumed_draft_shows_what_changed(client, catalogue, citizen, language, expected):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    publish_new_rules(dossier.procedure)
    client.force_login(citizen)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    with time_machine.travel(SUBMITTED, tick=False):
        page = client.get(_review_url(dossier)).content.decode()

    assert 'data-testid="version-change"' in page
    for text in expected:
        assert text in page


def test_draft_under_the_version_in_force_shows_no_change_notice(client, catalogue, citizen):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
        client.force_login(citizen)
        page = client.get(_review_url(dossier)).content.decode()

    assert 'data-testid="version-change"' not in page


def test_submitting_from_the_page_lists_what_the_new_version_needs(client, catalogue, citizen):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    publish_new_rules(dossier.procedure)
    client.force_login(citizen)

    with time_machine.travel(SUBMITTED, tick=False):
        client.get(_review_url(dossier))  # the citizen resumes the draft and sees the notice
        response = client.post(_review_url(dossier), {"submission_key": "k-1"})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="missing"' in page
    assert "Ảnh chân dung 3x4" in page
    assert "Địa chỉ nhận thẻ" in page
    dossier.refresh_from_db(fields=["state"])
    assert dossier.state == DossierState.DRAFT


def test_submit_pressed_on_a_page_shown_under_the_old_rules_shows_the_change_first(
    client, catalogue, citizen
):
    with time_machine.travel(OPENED, tick=False):
        dossier = hi_card_draft(catalogue, citizen)
    publish_new_rules(dossier.procedure, new_document=False, new_field=False)
    client.force_login(citizen)

    with time_machine.travel(SUBMITTED, tick=False):
        response = client.post(_review_url(dossier), {"submission_key": "k-2"}, follow=True)

    dossier.refresh_from_db(fields=["state"])
    assert dossier.state == DossierState.DRAFT
    assert 'data-testid="version-change"' in response.content.decode()


def test_counter_receipts_of_another_procedure_are_not_taken_for_this_one(catalogue, counter_hn):
    with time_machine.travel(OPENED, tick=False):
        dossier = counter_draft(catalogue, counter_hn, "hi-card-reissue-exchange", province=1)
        other = counter_draft(catalogue, counter_hn, "si-book-reissue", province=1)
        # Both procedures name a TK1-TS declaration: the other one's line is not this one's.
        with pytest.raises(DossierIncomplete):
            dossier_counter_receive(
                dossier=dossier, officer=counter_hn, receipts=paper_lines(other)
            )
