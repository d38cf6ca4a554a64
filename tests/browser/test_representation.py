"""Filing for another person in a browser (issue #18): for a child of the registry, and for
an adult who authorised the filer by letter; the adult then finds it in their account."""

import datetime as dt
import re

from playwright.sync_api import expect

from beneficiaries.services import family_relation_add
from dossiers.models import Dossier
from tests.beneficiaries.factories import PersonFactory
from tests.dossiers.conftest import pdf_file
from tests.factories import PASSWORD, UserFactory

CHILD_ID = "001220012345"
ADULT_ID = "001190054321"


def _parent():
    citizen = UserFactory(
        citizen=True,
        username="rep-parent",
        national_id="001090012345",
        full_name="Nguyễn Văn An",
    )
    child = PersonFactory(
        national_id=CHILD_ID, full_name="Nguyễn Minh Khang", date_of_birth=dt.date(2022, 3, 4)
    )
    me = PersonFactory(national_id=citizen.national_id, full_name=citizen.full_name)
    family_relation_add(person=me, relative=child, kind="child")
    return citizen


def test_a_parent_files_for_their_child(page, login, catalogue, offices):
    _parent()
    login("001090012345", PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/dossiers/new/sickness-benefit/")
    page.check("input[name=for_whom][value=guardian]")
    page.select_option("#id_child", CHILD_ID)
    page.get_by_test_id("start-filing").click()
    expect(page).to_have_url(re.compile(r"/dossiers/d/.+/step/"))
    expect(page.get_by_test_id("filing-for")).to_contain_text("Nguyễn Minh Khang")
    dossier = Dossier.objects.get()
    assert dossier.applicant_national_id == CHILD_ID
    assert dossier.representation == "guardian"


def test_an_authorised_adult_files_and_the_principal_sees_it(
    page, browser, live_server, login, catalogue, offices, tmp_path
):
    _parent()
    UserFactory(
        citizen=True, username="rep-principal", national_id=ADULT_ID, full_name="Lê Thị Chủ"
    )
    letter = tmp_path / "giay-uy-quyen.pdf"
    letter.write_bytes(pdf_file().read())

    login("001090012345", PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/dossiers/new/sickness-benefit/")
    page.check("input[name=for_whom][value=authorisation]")
    page.get_by_test_id("start-filing").click()  # nothing filled: field errors
    expect(page.locator("#id_letter_error")).to_be_visible()
    page.check("input[name=for_whom][value=authorisation]")
    page.fill("#id_principal_national_id", ADULT_ID)
    page.fill("#id_principal_name", "Lê Thị Chủ")
    page.fill("#id_scope", "Nộp hồ sơ và nhận kết quả")
    page.set_input_files("#id_letter", str(letter))
    page.get_by_test_id("start-filing").click()
    expect(page.get_by_test_id("filing-for")).to_contain_text("Lê Thị Chủ")
    dossier = Dossier.objects.get()

    other = browser.new_context(base_url=live_server.url, locale="vi-VN")
    principal_page = other.new_page()
    principal_page.goto("/accounts/login/")
    principal_page.fill("input[name=username]", ADULT_ID)
    principal_page.fill("input[name=password]", PASSWORD)
    principal_page.click("main button[type=submit]")
    expect(principal_page).not_to_have_url(re.compile(r"/accounts/login/"))
    principal_page.goto(f"/dossiers/d/{dossier.reference}/")
    card = principal_page.get_by_test_id("representation")
    expect(card).to_contain_text("Nguyễn Văn An")
    expect(card).to_contain_text("Nộp hồ sơ và nhận kết quả")
    expect(principal_page.get_by_test_id("authorisation-letter")).to_be_visible()
    other.close()
