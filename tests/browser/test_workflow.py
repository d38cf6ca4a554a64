"""Processing end to end: supplement, supply, approval, signature, return and download.

Four people take turns in one browser, each logging in through the form and out through
the header. The interface runs in Vietnamese; interface strings are looked up through
Django's translation of their English source, as in test_intake.py.
"""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.constants import DossierState
from dossiers.documents.signing import DEMO_CERT_NAME, verify_pdf_signature
from dossiers.services.workflow import (
    ACTIONS,
    APPLICANT,
    LEADERSHIP,
    PROCESSING_UNIT,
    RECEPTION_DESK,
)
from tests.dossiers.factories import make_dossier
from tests.factories import PASSWORD, UserFactory

MISSING_ITEM = "Giấy ra viện (bản sao)"
SUPPLEMENT_REASON = "Hồ sơ thiếu giấy ra viện của đợt điều trị nội trú."
DECISION = "Đồng ý giải quyết 5 ngày hưởng chế độ ốm đau."
CITIZEN_ACTIONS = {"supply", "withdraw"}
OFFICER_ACTIONS = [name for name in ACTIONS if name not in CITIZEN_ACTIONS]


def _vi(text: str) -> str:
    """An interface string as the Vietnamese page shows it."""
    with translation.override("vi"):
        return translation.gettext(text)


def _state(value: str) -> str:
    with translation.override("vi"):
        return str(DossierState(value).label)


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def _open_details(page, action: str):
    """Unfold the <details> that holds an action's form; return it."""
    details = page.locator("details", has=page.get_by_test_id(f"action-{action}"))
    details.locator("summary").click()
    return details


def _officer_buttons(page):
    return page.locator(", ".join(f'[data-testid="action-{name}"]' for name in OFFICER_ACTIONS))


def _log_out(page):
    page.get_by_role("button", name=_vi("Log out")).click()
    nav = page.get_by_role("navigation", name=_vi("Main navigation"))
    expect(nav.get_by_role("link", name=_vi("Log in"), exact=True)).to_be_visible()


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path  # the demo identity is created under tmp_path/var/signing
    return tmp_path / "var" / "signing"


def test_officer_supplement_citizen_supplies_approve_sign_return_download(
    page, login, catalogue, offices, signing_dir
):
    hanoi = offices[1]
    citizen = UserFactory(citizen=True, full_name="Nguyễn Văn An", email="an@example.vn")
    officer = UserFactory(
        username="xl-hn", role=Role.PROCESSING_OFFICER, office=hanoi, full_name="Đỗ Minh Đức"
    )
    leader = UserFactory(
        username="ld-hn", role=Role.OFFICE_LEADER, office=hanoi, full_name="Hoàng Văn Giang"
    )
    counter = UserFactory(
        username="tn-hn", role=Role.COUNTER_OFFICER, office=hanoi, full_name="Trần Thị Bình"
    )
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.RECEIVED,
        office=hanoi,
        applicant=citizen,
        return_method="electronic",
    )
    detail_url = f"/dossiers/d/{dossier.reference}/"
    state = page.get_by_test_id("dossier-state")

    # 1. The processing officer takes the next dossier and asks for a supplement.
    login(officer.username, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/worklist/")
    page.get_by_test_id("take-next").click()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_test_id("dossier-code")).to_have_text(dossier.code)
    expect(state).to_have_text(_state(DossierState.IN_PROCESSING))
    expect(page.get_by_test_id("assigned-to")).to_have_text(officer.full_name)
    expect(_officer_buttons(page)).not_to_have_count(0)  # the selector does match
    request = _open_details(page, "request_supplement")
    request.get_by_label(_vi("Missing items (one per line)")).fill(MISSING_ITEM)
    request.get_by_label(_vi("Reason"), exact=True).fill(SUPPLEMENT_REASON)
    page.get_by_test_id("action-request_supplement").click()
    expect(state).to_have_text(_state(DossierState.SUPPLEMENT_REQUESTED))
    expect(page.get_by_test_id("slip-supplement")).to_be_visible()
    _log_out(page)

    # 2. The citizen sees what is missing, uploads it and says the supplement is provided.
    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/")
    page.get_by_role("link", name=dossier.code, exact=True).click()
    expect(page).to_have_url(detail_url)
    supplement = page.get_by_test_id("supplement-request")
    expect(supplement.get_by_role("listitem")).to_have_text([MISSING_ITEM])
    expect(supplement).to_contain_text(SUPPLEMENT_REASON)
    expect(page.get_by_test_id("slip-supplement")).to_be_visible()
    expect(_officer_buttons(page)).to_have_count(0)
    expect(page.get_by_label(_vi("Assign to"))).to_have_count(0)
    supplement.get_by_label(_vi("Add files")).set_input_files(
        files=[{"name": "giay-ra-vien.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    supplement.get_by_role("button", name=_vi("Upload")).click()
    expect(page.get_by_role("link", name="giay-ra-vien.pdf")).to_be_visible()
    page.get_by_test_id("action-supply").click()
    expect(state).to_have_text(_state(DossierState.IN_PROCESSING))
    expect(page.get_by_test_id("supplement-request")).to_have_count(0)
    expect(_officer_buttons(page)).to_have_count(0)
    _log_out(page)

    # 3. The officer sends the dossier to appraisal, then approves it.
    login(officer.username, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/worklist/")
    page.get_by_test_id("worklist").get_by_role("link", name=dossier.code).click()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("link", name="giay-ra-vien.pdf")).to_be_visible()
    page.get_by_test_id("action-send_to_appraisal").click()
    expect(state).to_have_text(_state(DossierState.APPRAISAL))
    approval = _open_details(page, "approve")
    approval.get_by_label(_vi("Decision (what is granted)")).fill(DECISION)
    page.get_by_test_id("action-approve").click()
    expect(state).to_have_text(_state(DossierState.AWAITING_SIGNATURE))
    _log_out(page)

    # 4. The leader finds it among those awaiting signature and signs.
    login(leader.username, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/worklist/")
    page.get_by_test_id("tab-signature").click()
    page.get_by_test_id("worklist").get_by_role("link", name=dossier.code).click()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_test_id("decision-text")).to_have_text(DECISION)
    page.get_by_test_id("action-sign").click()
    expect(state).to_have_text(_state(DossierState.PROCESSED))
    result = page.locator("li", has=page.get_by_test_id("slip-result"))
    expect(result).to_contain_text(_vi("digitally signed"))
    expect(page.get_by_test_id("decision-number")).to_contain_text("1/QĐ-BHXH")
    expect(page.get_by_test_id("control-sheet").locator("tr")).to_have_count(5)
    _log_out(page)

    # 5. The counter officer returns the result electronically.
    login(counter.username, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/worklist/")
    page.get_by_test_id("worklist").get_by_role("link", name=dossier.code).click()
    expect(page).to_have_url(detail_url)
    delivery = _open_details(page, "return_result")
    delivery.get_by_label(_vi("How the result is returned")).select_option("electronic")
    page.get_by_test_id("action-return_result").click()
    expect(state).to_have_text(_state(DossierState.RETURNED))
    # One row per hand-over, each with its giver and receiver (form 05).
    control_sheet = page.get_by_test_id("control-sheet").locator("tr")
    expect(control_sheet).to_have_count(6)
    for row, unit in zip(
        control_sheet.all(),
        [PROCESSING_UNIT, APPLICANT, PROCESSING_UNIT, LEADERSHIP, RECEPTION_DESK, APPLICANT],
        strict=True,
    ):
        expect(row.locator("td").first).to_have_text(
            unit if unit == APPLICANT else f"{unit}, {hanoi.name}"
        )
    expect(control_sheet.nth(0)).to_contain_text(f"→ {officer.full_name}")
    expect(control_sheet.nth(1)).to_contain_text(f"{officer.full_name} → {citizen.full_name}")
    expect(control_sheet.nth(2)).to_contain_text(f"{citizen.full_name} → {officer.full_name}")
    expect(control_sheet.nth(3)).to_contain_text(f"{officer.full_name} → {leader.full_name}")
    expect(control_sheet.nth(4)).to_contain_text(f"{leader.full_name} → {counter.full_name}")
    expect(control_sheet.nth(5)).to_contain_text(f"{counter.full_name} → {citizen.full_name}")
    _log_out(page)

    # 6. The citizen downloads the signed result.
    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto(detail_url)
    expect(state).to_have_text(_state(DossierState.RETURNED))
    expect(_officer_buttons(page)).to_have_count(0)
    expect(page.get_by_label(_vi("Assign to"))).to_have_count(0)
    expect(page.get_by_role("heading", name=_vi("Control sheet"))).to_have_count(0)
    expect(page.get_by_test_id("decision-number")).to_contain_text("1/QĐ-BHXH")
    expect(page.get_by_test_id("result-download")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("slip-result").click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    # pyHanko validates with asyncio.run(), which cannot nest in Playwright's running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(
            verify_pdf_signature, pdf, trust_cert_path=signing_dir / DEMO_CERT_NAME
        ).result()
    assert check["intact"]
    assert check["valid"]
    assert check["trusted"]
    text = _pdf_text(pdf)
    assert dossier.code in text
    assert DECISION in text
    assert "Số: 1/QĐ-BHXH" in text
