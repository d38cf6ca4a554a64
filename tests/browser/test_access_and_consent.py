"""Issue #18 in a browser: the counter takes an online draft over with the code the
citizen reads from their inbox; the citizen then sees which office opened their dossier."""

import re

from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.constants import Channel
from dossiers.models import Dossier
from tests.dossiers.test_intake_services import sickness_draft
from tests.factories import PASSWORD, UserFactory


def test_the_counter_takes_over_a_draft_with_the_citizens_code(
    page, browser, live_server, login, catalogue, offices
):
    hanoi = offices[1]
    hanoi.phone = "024 3936 0000"
    hanoi.save(update_fields=["phone"])
    citizen = UserFactory(
        citizen=True,
        username="cb001090012345",
        national_id="001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
    )
    UserFactory(
        username="counter-consent",
        role=Role.COUNTER_OFFICER,
        office=hanoi,
        full_name="Trần Thị Bình",
    )
    draft = sickness_draft(catalogue, citizen)

    login("counter-consent", PASSWORD)
    page.goto("/dossiers/counter/?national_id=001090012345")
    page.get_by_test_id(f"take-over-{draft.reference}").click()
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn An")
    page.get_by_test_id("takeover-send-code").click()

    # The citizen, at the counter, opens their inbox on the phone and reads the code.
    phone = browser.new_context(base_url=live_server.url, locale="vi-VN")
    citizen_page = phone.new_page()
    citizen_page.goto("/accounts/login/")
    citizen_page.fill("input[name=username]", "001090012345")
    citizen_page.fill("input[name=password]", PASSWORD)
    citizen_page.click("main button[type=submit]")
    expect(citizen_page).not_to_have_url(re.compile(r"/accounts/login/"))
    citizen_page.goto("/inbox/")
    inbox = citizen_page.get_by_test_id("inbox")
    expect(inbox).to_contain_text(re.compile(r"\b\d{6}\b"))
    code = re.search(r"\b(\d{6})\b", inbox.inner_text()).group(1)

    page.get_by_test_id("takeover-with-code").click()  # empty: field error, nothing taken
    expect(page.locator("#id_code_error")).to_be_visible()
    page.locator("#id_code").fill(code)
    page.get_by_test_id("takeover-with-code").click()
    expect(page).to_have_url(re.compile(rf"/dossiers/d/{draft.reference}/step/"))
    assert Dossier.objects.get(pk=draft.pk).channel == Channel.COUNTER

    # The citizen sees that Hà Nội's office opened it: office, role and phone, no name.
    citizen_page.goto(f"/dossiers/d/{draft.reference}/")
    history = citizen_page.get_by_test_id("access-history")
    expect(history).to_contain_text(hanoi.name)
    expect(history).to_contain_text("024 3936 0000")
    expect(history).not_to_contain_text("Trần Thị Bình")
    phone.close()
