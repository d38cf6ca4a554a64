"""Search -> detail in both languages.

The UI strings are being translated separately, so these tests assert on catalogue data
(procedure and document names, time limits) rather than on interface labels.
"""

from playwright.sync_api import expect

from procedures.selectors import version_in_force

SLUG = "maternity-benefit-direct"


def _search(page, words: str) -> None:
    page.fill("#id_q", words)
    page.press("#id_q", "Enter")
    page.wait_for_url("**/procedures/?**")


def test_search_without_diacritics_then_detail_then_english(page, catalogue):
    procedure = catalogue[SLUG]
    version = version_in_force(procedure=procedure)
    components = list(version.components.all())

    page.goto("/procedures/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    _search(page, "thai san")

    expect(
        page.get_by_role("link", name=catalogue["maternity-benefit-employer"].name_vi, exact=True)
    ).to_be_visible()
    page.get_by_role("link", name=procedure.name_vi, exact=True).click()

    expect(page).to_have_url(f"/procedures/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.name_vi)
    expect(page.get_by_test_id("time-limit")).to_contain_text("5")
    table = page.locator("main table")
    for component in components:
        expect(table).to_contain_text(component.name_vi)
    expect(page.get_by_test_id("file-online")).to_be_visible()

    page.get_by_test_id("language-en").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"/procedures/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.name_en)
    expect(page.get_by_test_id("time-limit")).to_contain_text("5")
    for component in components:
        expect(table).to_contain_text(component.name_en)


def test_search_in_english_ui_finds_the_procedure_too(page, catalogue):
    procedure = catalogue[SLUG]

    page.goto("/procedures/")
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _search(page, "THAI SẢN")

    page.get_by_role("link", name=procedure.name_en, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.name_en)
    expect(page.get_by_test_id("time-limit")).to_contain_text("5")
