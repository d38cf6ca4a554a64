"""Filing end to end: a citizen online (leave, resume, submit) and a walk-in at the counter.

The interface runs in Vietnamese, its default. Field labels come from the catalogue
(label_vi); interface strings are looked up through Django's own translation of their
English source, so the tests follow the locale files instead of copying their text.
"""

import io
import re

from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.models import Dossier
from procedures.selectors import version_in_force
from tests.factories import PASSWORD, UserFactory

CODE_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}$")


def _vi(text: str) -> str:
    """An interface string as the Vietnamese page shows it."""
    with translation.override("vi"):
        return translation.gettext(text)


def _labels(version) -> dict[str, str]:
    return {f["name"]: f["label_vi"] for f in version.field_definitions()}


def _png(width=60, height=40) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 220, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


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


def _field(page, label: str):
    """The input of a form field; required fields end their label with a "*"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _continue(page):
    page.get_by_role("button", name=_vi("Save and continue")).click()


def test_citizen_files_sickness_dossier_leaves_resumes_submits_and_downloads_slip(
    page, login, catalogue, offices
):
    procedure = catalogue["sickness-benefit"]
    version = version_in_force(procedure=procedure)
    labels = _labels(version)
    component = version.components.get(code="medical_leave_certificate")
    citizen = UserFactory(
        citizen=True,
        full_name="Nguyễn Văn An",
        national_id="001090012345",
        username="cd001090012345",
        phone="0912345678",
        email="an@example.vn",
    )

    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto(f"/procedures/{procedure.slug}/")
    page.get_by_test_id("file-online").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(procedure.name_vi)
    page.get_by_role("button", name=_vi("Start filing")).click()

    # Step 1: what VSS knows is shown, not asked again.
    known = page.get_by_test_id("known-fields")
    expect(known).to_contain_text("Nguyễn Văn An")
    expect(known).to_contain_text("001090012345")
    expect(_field(page, labels["full_name"])).to_have_count(0)
    expect(_field(page, labels["national_id"])).to_have_count(0)
    _field(page, _vi("Province or city of your employer")).select_option("1")
    _field(page, _vi("Address")).fill("Số 1 phố Tràng Tiền, Hoàn Kiếm")
    _field(page, labels["si_code"]).fill("0123456789")
    _field(page, labels["employer"]).fill("Công ty TNHH Sao Mai")
    _continue(page)

    # Step 2, then leave.
    expect(page.locator("[aria-current=step]")).to_have_text(_vi("Request"))
    _field(page, labels["sickness_reason"]).select_option("own_illness")
    _field(page, labels["treatment_type"]).select_option("outpatient")
    _field(page, labels["leave_start_date"]).fill("2026-11-16")
    _field(page, labels["leave_end_date"]).fill("2026-11-20")
    _field(page, labels["treatment_facility"]).fill("Bệnh viện Bạch Mai")
    page.get_by_role("button", name=_vi("Save and finish later")).click()

    expect(page).to_have_url("/dossiers/")
    # Later: back through the citizen page to My dossiers.
    page.get_by_role("link", name=_vi("My page"), exact=True).click()
    page.get_by_role("link", name=_vi("My dossiers"), exact=True).click()
    expect(page).to_have_url("/dossiers/")
    drafts = page.get_by_test_id("drafts")
    expect(drafts).to_contain_text(procedure.name_vi)
    drafts.get_by_role("link", name=_vi("Resume"), exact=True).click()

    # Back where they left: step 3.
    dossier = Dossier.objects.get(applicant=citizen)
    expect(page).to_have_url(f"/dossiers/d/{dossier.reference}/step/3/")
    expect(page.locator("[aria-current=step]")).to_have_text(_vi("Payment and result"))
    _field(page, labels["payment_method"]).select_option("bank")
    _field(page, labels["bank_account"]).fill("0123456789012")
    _field(page, labels["bank_name"]).fill("Vietcombank, chi nhánh Hà Nội")
    _field(page, labels["return_method"]).select_option("electronic")
    _continue(page)

    # Documents: trying to review before uploading lists what is missing.
    expect(page).to_have_url(f"/dossiers/d/{dossier.reference}/step/documents/")
    page.get_by_test_id("to-review").click()
    missing = page.get_by_test_id("missing")
    expect(missing).to_contain_text(component.name_vi)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("missing")).to_contain_text(component.name_vi)
    assert Dossier.objects.get(pk=dossier.pk).code is None
    page.get_by_role("navigation", name=_vi("Filing steps")).get_by_role(
        "link", name=_vi("Documents")
    ).click()

    section = page.get_by_test_id(f"component-{component.code}")
    section.locator("input[type=file]").set_input_files(
        files=[
            {"name": "giay-nghi-om-trang-1.png", "mimeType": "image/png", "buffer": _png()},
            {"name": "giay-nghi-om-trang-2.pdf", "mimeType": "application/pdf", "buffer": _pdf()},
        ]
    )
    section.get_by_role("button", name=_vi("Upload")).click()
    section = page.get_by_test_id(f"component-{component.code}")
    expect(section.get_by_role("listitem")).to_have_count(2)
    expect(section).to_contain_text("giay-nghi-om-trang-1.png")
    expect(section).to_contain_text("giay-nghi-om-trang-2.pdf")

    page.get_by_test_id("to-review").click()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_test_id("submit").click()

    code_locator = page.get_by_test_id("dossier-code")
    expect(code_locator).to_have_text(CODE_PATTERN)
    code = code_locator.inner_text()
    assert code.startswith(offices[1].agency_code)
    expect(page.get_by_test_id("due-at")).to_have_text(
        re.compile(r"\d{2}:\d{2}, \d{2}/\d{2}/\d{4}")
    )

    with page.expect_download() as download_info:
        page.get_by_test_id("slip-download").click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert code in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text


def test_counter_officer_takes_walk_in_maternity_dossier_for_another_province_and_prints_slip(
    page, login, catalogue, offices
):
    procedure = catalogue["maternity-benefit-direct"]
    version = version_in_force(procedure=procedure)
    labels = _labels(version)
    mandatory = [c for c in version.components.all() if c.is_mandatory]
    assert mandatory
    officer = UserFactory(username="counter-hn", role=Role.COUNTER_OFFICER, office=offices[1])

    login(officer.username, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/counter/")
    procedure_select = _field(page, _vi("Procedure"))
    option = procedure_select.locator("option", has_text=procedure.name_vi)
    procedure_select.select_option(value=option.get_attribute("value"))
    _field(page, _vi("Applicant's personal ID number (CCCD)")).fill("079303012345")
    _field(page, _vi("Full name")).fill("Phạm Thị Mai")
    _field(page, _vi("Gender")).select_option("female")
    _field(page, _vi("Phone")).fill("0987654321")
    _field(page, _vi("Province of the competent office")).select_option("79")
    page.get_by_role("button", name=_vi("Start the dossier")).click()

    # Step 1: no account, so nothing is "known to VSS"; what the counter form took is kept.
    expect(page.locator("[aria-current=step]")).to_have_text(_vi("Applicant"))
    expect(page.get_by_test_id("known-fields")).to_have_count(0)
    expect(_field(page, _vi("Province or city where the applicant lives"))).to_have_value("79")
    expect(_field(page, labels["full_name"])).to_have_value("Phạm Thị Mai")
    expect(_field(page, labels["national_id"])).to_have_value("079303012345")
    expect(_field(page, labels["phone"])).to_have_value("0987654321")
    _field(page, labels["date_of_birth"]).fill("2003-05-14")
    _field(page, labels["si_code"]).fill("7903012345")
    _continue(page)

    _field(page, labels["maternity_event"]).select_option("birth")
    _field(page, labels["child_date_of_birth"]).fill("2026-11-02")
    _field(page, labels["number_of_children"]).fill("1")
    _field(page, labels["leave_start_date"]).fill("2026-11-02")
    _field(page, labels["left_job_date"]).fill("2026-09-30")
    _continue(page)

    _field(page, labels["payment_method"]).select_option("cash_post")
    _field(page, labels["return_method"]).select_option("counter")
    _continue(page)

    # Paper dossier: no scans, the officer ticks what was handed over.
    page.get_by_test_id("to-review").click()
    expect(page.get_by_test_id("missing")).to_contain_text(mandatory[0].name_vi)
    for component in mandatory:
        page.get_by_label(f"{_vi('Received on paper')}: {component.name_vi}").check()
    page.get_by_test_id("receive").click()

    code_locator = page.get_by_test_id("dossier-code")
    expect(code_locator).to_have_text(CODE_PATTERN)
    code = code_locator.inner_text()
    assert code.startswith(f"{offices[1].agency_code}-")
    handled_by = page.locator(f"main dt:text-is('{_vi('Handled by')}') + dd")
    expect(handled_by).to_contain_text("Hồ Chí Minh")
    expect(handled_by).to_have_text(offices[79].name)
    dossier = Dossier.objects.get(code=code)
    assert dossier.receiving_office == offices[1]
    assert dossier.competent_office == offices[79]
    expect(page.locator("main dl")).to_contain_text("Phạm Thị Mai")
    expect(page.locator("main")).to_contain_text(f"{_vi('paper')} 1 × {_vi('Original')}")

    print_link = page.get_by_role("link", name=_vi("Print the slip"))
    expect(print_link).to_have_attribute("target", "_blank")
    response = page.request.get(print_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    assert code in _pdf_text(pdf)
