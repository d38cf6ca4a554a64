"""The counter in a browser: refusing a walk-in dossier with its slip (form 03), and a
withdrawal asked for in person with the ID check."""

import io
import re
from pathlib import Path

from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.constants import DossierState
from dossiers.models import Dossier
from tests.dossiers.test_counter_desk import APPLICANT_ID, received_walk_in, walk_in_draft
from tests.factories import PASSWORD, UserFactory


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def _counter_officer(offices):
    return UserFactory(
        username="counter-browser",
        role=Role.COUNTER_OFFICER,
        office=offices[1],
        full_name="Trần Thị Bình",
    )


def test_counter_refuses_a_walk_in_dossier_and_prints_the_refusal_slip(
    page, login, catalogue, offices
):
    officer = _counter_officer(offices)
    dossier = walk_in_draft(catalogue, officer)
    login("counter-browser", PASSWORD)
    page.goto(f"/dossiers/d/{dossier.reference}/resume/")

    page.get_by_test_id("counter-refuse-link").click()
    page.get_by_test_id("counter-refuse").click()  # no reason yet
    expect(page.locator("#id_reason_error")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFT

    page.get_by_label(re.compile(re.escape(_vi("Reason for refusing the dossier")))).fill(
        "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"
    )
    page.get_by_test_id("counter-refuse").click()

    refused = Dossier.objects.get(pk=dossier.pk)
    expect(page.get_by_test_id("dossier-state")).to_have_text(_vi("Refused at reception"))
    expect(page.get_by_test_id("dossier-code")).to_have_text(refused.code)
    expect(page.get_by_test_id("slip-download")).to_have_count(0)
    with page.expect_download() as download_info:
        page.get_by_test_id("refusal-slip-download").click()
    download = download_info.value
    text = _pdf_text(Path(download.path()).read_bytes())
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text
    assert refused.code in text
    assert "không thuộc thẩm quyền" in text


def test_counter_records_a_withdrawal_asked_for_in_person(page, login, catalogue, offices):
    officer = _counter_officer(offices)
    dossier = received_walk_in(catalogue, officer)
    login("counter-browser", PASSWORD)
    page.goto(f"/dossiers/d/{dossier.reference}/")

    page.get_by_test_id("counter-withdraw-link").click()
    id_field = page.get_by_label(re.compile(re.escape(_vi("ID number on the document presented"))))
    reason_field = page.get_by_label(re.compile(re.escape(_vi("Reason given for the withdrawal"))))
    id_field.fill("079303099999")  # someone else's card
    reason_field.fill("Nộp nhầm thủ tục")
    page.get_by_test_id("counter-withdraw").click()
    expect(page.locator("#id_id_number_error")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.RECEIVED

    page.get_by_label(re.compile(re.escape(_vi("ID number on the document presented")))).fill(
        APPLICANT_ID
    )
    page.get_by_label(re.compile(re.escape(_vi("Reason given for the withdrawal")))).fill(
        "Nộp nhầm thủ tục"
    )
    page.get_by_test_id("counter-withdraw").click()
    expect(page.get_by_test_id("dossier-state")).to_have_text(_vi("Withdrawn by the applicant"))
    expect(page.get_by_test_id("timeline")).to_contain_text("Nộp nhầm thủ tục")
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.WITHDRAWN
