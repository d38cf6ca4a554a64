"""Key pages run under the Content-Security-Policy without a single violation: no inline
script or style is left, htmx injects no style, and the API docs work from our own files."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def visit(browser, live_server):
    """visit(user, identifier) -> a page of its own browser context, logged in as `user` if
    given (citizens log in with their ID number: `identifier`); every
    CSP report or violation event of any page it opens is collected in `violations`."""
    contexts = []
    violations: list[str] = []

    def _visit(user=None, identifier=None):
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        if user is not None:
            # Staff pass the second factor too (tests/two_factor.py).
            browser_sign_in(page, identifier or user.username, PASSWORD)
            page.wait_for_load_state()
        return page

    def _check(page):
        violations.extend(page.evaluate("window.__cspViolations"))

    _visit.violations = violations
    _visit.check = _check
    yield _visit
    for context in contexts:
        context.close()


def test_home_wizard_worklist_dashboard_and_api_docs_have_no_csp_violation(
    visit, catalogue, offices
):
    anonymous = visit()
    anonymous.goto("/")
    expect(anonymous.locator("main")).to_be_visible()
    visit.check(anonymous)
    anonymous.goto("/api/docs/")
    # Swagger UI drew the document: its bundle and start-up script both ran.
    expect(anonymous.locator(".swagger-ui .info .title")).to_contain_text("vss-portal API")
    visit.check(anonymous)

    citizen = visit(
        UserFactory(citizen=True, national_id="001090012345", username="cd001090012345"),
        identifier="001090012345",
    )
    procedure = catalogue["hi-card-reissue-exchange"]
    citizen.goto(f"/dossiers/new/{procedure.slug}/")
    citizen.get_by_role("button", name=_vi("Start filing")).click()
    expect(citizen.locator("form")).not_to_have_count(0)
    visit.check(citizen)

    officer = visit(UserFactory(role=Role.PROCESSING_OFFICER, office=offices[1]))
    officer.goto("/dossiers/worklist/")
    expect(officer.locator("main")).to_be_visible()
    visit.check(officer)

    supervisor = visit(UserFactory(role=Role.SUPERVISOR))
    supervisor.goto("/dashboards/")
    expect(supervisor.get_by_role("heading", name=_vi("Dashboard"), level=1)).to_be_visible()
    visit.check(supervisor)

    assert visit.violations == []
