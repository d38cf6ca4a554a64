"""The filing wizard in Chromium on a phone: "save and finish later" keeps an invalid value
as typed, and the review shows every answer with a link back to its step (issue #17)."""

from playwright.sync_api import expect

from dossiers.models import Dossier
from procedures.selectors import version_in_force
from tests.browser.test_intake import _continue, _field, _labels, _vi
from tests.factories import PASSWORD, UserFactory


def test_a_draft_keeps_an_invalid_value_and_the_review_shows_every_answer(
    page, login, catalogue, offices
):
    procedure = catalogue["hi-card-reissue-exchange"]
    labels = _labels(version_in_force(procedure=procedure))
    citizen = UserFactory(
        citizen=True,
        full_name="Nguyễn Văn An",
        national_id="001090012345",
        username="cd001090012345",
        phone="0912345678",
    )
    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto(f"/dossiers/new/{procedure.slug}/")
    page.get_by_role("button", name=_vi("Start filing")).click()

    # Step 1 with an SI code that is not valid yet: saved as typed all the same.
    _field(page, _vi("Province or city where you live")).select_option("1")
    _field(page, _vi("Address")).fill("Số 1 phố Tràng Tiền, Hoàn Kiếm")
    _field(page, labels["si_code"]).fill("01234")
    page.get_by_role("button", name=_vi("Save and finish later")).click()
    expect(page).to_have_url("/dossiers/")
    expect(page.locator("body")).to_contain_text(
        _vi(
            "Your draft is saved as typed, but some answers are not valid yet: correct "
            "them before you submit."
        )
    )
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.data["si_code"] == "01234"

    # Resumed: nothing typed was lost; moving on checks it on the field.
    page.goto(f"/dossiers/d/{dossier.reference}/resume/")
    expect(_field(page, labels["si_code"])).to_have_value("01234")
    _continue(page)
    expect(page.locator(".message-error")).to_be_visible()
    _field(page, labels["si_code"]).fill("0123456789")
    _continue(page)

    _field(page, _vi("HI card number")).fill("DN4010123456789")
    _field(page, labels["card_request_type"]).select_option("reissue_lost")
    _field(page, labels["paper_card_needed"]).select_option("no")
    _continue(page)
    _field(page, labels["return_method"]).select_option("post")
    _continue(page)
    page.get_by_test_id("to-review").click()

    # Every answer, by step, in words a person reads.
    applicant = page.get_by_test_id("answers-1")
    expect(applicant).to_contain_text("Hà Nội")
    expect(applicant).to_contain_text(offices[1].name)
    expect(applicant).to_contain_text("0123456789")
    request = page.get_by_test_id("answers-2")
    expect(request).to_contain_text(_vi("HI card number"))
    expect(request).to_contain_text("DN4010123456789")
    expect(request).to_contain_text("Cấp lại do mất thẻ")
    expect(page.get_by_test_id("answers-3")).to_contain_text("Gửi qua dịch vụ bưu chính công ích")

    # Each group links back to its step.
    page.get_by_test_id("edit-2").click()
    expect(page).to_have_url(f"/dossiers/d/{dossier.reference}/step/2/")
    expect(_field(page, _vi("HI card number"))).to_have_value("DN4010123456789")
