"""The citizen app's consent in the browser: the app opens the authorization page, the
citizen signs in with VNeID (local provider), sees what the app asks for and allows it; the
browser returns to the app with a code. Cancelling returns `access_denied`."""

from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import expect

from appauth.services import citizen_app_client_ensure

APP_CALLBACK = "https://app.baohiemxahoi.example/oauth/callback"
QUERY = urlencode(
    {
        "response_type": "code",
        "client_id": "vss-citizen-app",
        "redirect_uri": APP_CALLBACK,
        "scope": "profile dossiers:read",
        "state": "s-42",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
    }
)


def _app_callback(page) -> list[str]:
    """Stands in for the app: records where the browser was sent."""
    seen: list[str] = []

    def answer(route):
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="app")

    page.route("https://app.baohiemxahoi.example/**", answer)
    return seen


def test_a_citizen_signs_in_with_vneid_and_allows_the_app(page, vneid):
    citizen_app_client_ensure(redirect_uris=[APP_CALLBACK])
    seen = _app_callback(page)

    page.goto(f"/oauth/authorize/?{QUERY}")
    # Not signed in: the sign-in page first, then VNeID, then back to the consent page.
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name="Trần Thị Hoa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VssID")
    scopes = page.get_by_test_id("oauth-scopes")
    expect(scopes).to_contain_text("Xem hồ sơ thủ tục của bạn")
    expect(scopes).not_to_contain_text("Nộp và cập nhật")  # not asked for

    page.get_by_role("button", name="Cho phép").click()

    expect(page.locator("body")).to_have_text("app")
    params = parse_qs(urlsplit(seen[-1]).query)
    assert params["state"] == ["s-42"]
    assert params["code"][0]


def test_cancelling_sends_the_app_access_denied(page, login):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(citizen=True, national_id="001090012345", username="cd001090012345")
    citizen_app_client_ensure(redirect_uris=[APP_CALLBACK])
    seen = _app_callback(page)
    login("001090012345", PASSWORD)

    page.goto(f"/oauth/authorize/?{QUERY}")
    page.get_by_role("button", name="Hủy").click()

    expect(page.locator("body")).to_have_text("app")
    assert parse_qs(urlsplit(seen[-1]).query)["error"] == ["access_denied"]
