import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import NoReverseMatch, reverse

from accounts.constants import Role
from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
SIGNUP_URL = "/accounts/register/"
LANDING_URL = "/accounts/me/"
INVALID_LOGIN_VI = "không khớp"

# 079 = Hồ Chí Minh, century digit 1 = woman born in the 1900s, 95 = born 1995.
VALID_SIGNUP = {
    "national_id": "079195001234",
    "full_name": "Trần Thị Hoa",
    "date_of_birth": "1995-03-04",
    "gender": "female",
    "email": "hoa.tran@example.vn",
    "phone": "0903123456",
    "password1": "Hoa-Sen-Nở-2026",
    "password2": "Hoa-Sen-Nở-2026",
}


def _login(client, identifier: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": identifier, "password": password})


def _logged_in_as(client) -> int | None:
    user_id = client.session.get(SESSION_KEY)
    return int(user_id) if user_id is not None else None


def _assert_refused(client, response):
    assert response.status_code == 200
    assert INVALID_LOGIN_VI in response.content.decode()
    assert _logged_in_as(client) is None


# --- Login ----------------------------------------------------------------------------


def test_citizen_logs_in_with_national_id(client):
    user = UserFactory(citizen=True)

    response = _login(client, user.national_id)

    assert response.status_code == 302
    assert response.url == LANDING_URL
    assert _logged_in_as(client) == user.pk


def test_citizen_logs_in_with_email_in_any_case(client):
    user = UserFactory(citizen=True, email="Mai.Le@Example.vn")

    response = _login(client, "  MAI.LE@example.VN ")

    assert response.status_code == 302
    assert _logged_in_as(client) == user.pk


def test_staff_logs_in_with_username(client):
    officer = UserFactory(counter_officer=True, username="counter.dn")

    response = _login(client, "counter.dn")

    assert response.status_code == 302
    assert _logged_in_as(client) == officer.pk


def test_citizen_cannot_log_in_with_internal_username(client):
    user = UserFactory(citizen=True)
    assert user.username.startswith("cd")

    _assert_refused(client, _login(client, user.username))


def test_staff_cannot_log_in_with_email(client):
    UserFactory(processing_officer=True, username="officer.dn", email="officer@bhxh.gov.vn")

    _assert_refused(client, _login(client, "officer@bhxh.gov.vn"))


@pytest.mark.parametrize(
    "identifier",
    ["national_id", "email", "079195999999", "nobody@example.vn", "ghost.user"],
)
def test_wrong_password_or_unknown_account_shows_invalid_login(client, identifier):
    user = UserFactory(citizen=True, email="an@example.vn")
    value = getattr(user, identifier, identifier)

    response = _login(client, value, "not-the-password")

    _assert_refused(client, response)
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize(
    "data",
    [
        {"username": "", "password": ""},
        {"username": "x" * 300, "password": "x"},
        {"username": "@", "password": "x"},
        {"username": "001090012345"},
    ],
    ids=["empty", "too-long", "bare-at", "no-password"],
)
def test_odd_login_input_never_fails_with_500(client, data):
    response = client.post(LOGIN_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert _logged_in_as(client) is None


def test_inactive_user_is_refused(client):
    user = UserFactory(citizen=True, is_active=False)

    _assert_refused(client, _login(client, user.national_id))


# --- Signup ---------------------------------------------------------------------------


def test_valid_signup_creates_a_citizen_and_logs_in(client):
    response = client.post(SIGNUP_URL, VALID_SIGNUP)

    assert response.status_code == 302
    assert response.url == LANDING_URL
    user = User.objects.get(national_id=VALID_SIGNUP["national_id"])
    assert user.role == Role.CITIZEN
    assert user.full_name == VALID_SIGNUP["full_name"]
    assert str(user.date_of_birth) == VALID_SIGNUP["date_of_birth"]
    assert user.gender == "female"
    assert user.email == VALID_SIGNUP["email"]
    assert user.check_password(VALID_SIGNUP["password1"])
    assert user.preferred_language == "vi"
    assert _logged_in_as(client) == user.pk
    # The new account can log in again with its CCCD.
    client.logout()
    assert _login(client, user.national_id, VALID_SIGNUP["password1"]).status_code == 302


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"national_id": "07919500123"}, "min_length"),
        ({"national_id": "07919500123A"}, "national_id_digits"),
        ({"national_id": "003195001234"}, "national_id_province"),
        ({"date_of_birth": "1996-03-04"}, "national_id_birth_year"),
        ({"gender": "male"}, "national_id_gender"),
    ],
    ids=["11-digits", "letters", "unknown-province", "birth-year", "gender"],
)
def test_malformed_national_id_is_rejected_on_its_field(client, changes, code):
    response = client.post(SIGNUP_URL, {**VALID_SIGNUP, **changes})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("national_id", code), form.errors.as_data()
    assert set(form.errors) == {"national_id"}
    assert 'id="id_national_id_error"' in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_national_id_is_rejected(client):
    UserFactory(citizen=True, national_id=VALID_SIGNUP["national_id"])

    response = client.post(SIGNUP_URL, VALID_SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].has_error("national_id", "national_id_taken")
    assert User.objects.count() == 1


def test_duplicate_email_in_other_case_is_rejected(client):
    UserFactory(citizen=True, email="HOA.TRAN@example.VN")

    response = client.post(SIGNUP_URL, VALID_SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].has_error("email", "email_taken")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("taken", "field", "code"),
    [
        ({"national_id": VALID_SIGNUP["national_id"]}, "national_id", "national_id_taken"),
        ({"national_id": "001090054321", "email": "Hoa.Tran@example.vn"}, "email", "email_taken"),
    ],
    ids=["national-id", "email"],
)
def test_account_taken_between_check_and_save_is_a_field_error(
    client, monkeypatch, taken, field, code
):
    """A second submission registers the same person after this form was validated."""
    from accounts import views

    real_register = views.citizen_register

    def register_after_someone_else(**kwargs):
        UserFactory(citizen=True, **taken)
        return real_register(**kwargs)

    monkeypatch.setattr(views, "citizen_register", register_after_someone_else)

    response = client.post(SIGNUP_URL, VALID_SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert User.objects.count() == 1
    assert _logged_in_as(client) is None


def test_overlong_email_is_a_field_error_not_a_crash(client):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".vn"  # valid syntax, 311 chars

    response = client.post(SIGNUP_URL, {**VALID_SIGNUP, "email": email})

    assert response.status_code == 200
    assert response.context["form"].has_error("email")
    assert not User.objects.exists()


def test_different_passwords_are_rejected(client):
    response = client.post(SIGNUP_URL, {**VALID_SIGNUP, "password2": "Something-else-2026"})

    assert response.status_code == 200
    assert response.context["form"].has_error("password2")
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["12345678", "matkhau", "password123"])
def test_weak_password_is_rejected(client, password):
    response = client.post(
        SIGNUP_URL, {**VALID_SIGNUP, "password1": password, "password2": password}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("password1")
    assert not User.objects.exists()


def test_password_rules_are_shown_before_the_first_try_in_vietnamese(client):
    page = client.get(SIGNUP_URL, HTTP_ACCEPT_LANGUAGE="vi").text

    assert 'id="id_password1_helptext"' in page
    assert "ít nhất 8 ký tự" in page
    assert "không được hoàn toàn bằng số" in page


def test_a_short_password_is_refused_in_vietnamese(client):
    response = client.post(
        SIGNUP_URL,
        {**VALID_SIGNUP, "password1": "Xq7#", "password2": "Xq7#"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    errors = response.context["form"].errors["password1"]
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in errors
    assert not any("too short" in error for error in errors)


@pytest.mark.parametrize("field", ["email", "full_name", "national_id"])
def test_password_like_the_persons_own_details_is_rejected(client, field):
    password = VALID_SIGNUP[field]

    response = client.post(
        SIGNUP_URL, {**VALID_SIGNUP, "password1": password, "password2": password}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("password1", "password_too_similar")
    assert not User.objects.exists()


def test_field_errors_are_announced_to_assistive_technology(client):
    response = client.post(SIGNUP_URL, {**VALID_SIGNUP, "national_id": "003195001234"})

    html = response.content.decode()
    national_id_input = re.search(r"<input[^>]*name=\"national_id\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in national_id_input
    described_by = re.search(r'aria-describedby="([^"]*)"', national_id_input).group(1).split()
    assert "id_national_id_error" in described_by
    assert 'id="id_national_id_error"' in html


def test_signed_in_user_is_sent_from_signup_to_their_page(client):
    client.force_login(UserFactory(citizen=True))

    response = client.get(SIGNUP_URL)

    assert response.status_code == 302
    assert response.url == LANDING_URL


# --- Landing page ---------------------------------------------------------------------

ROLE_HEADINGS = {
    Role.CITIZEN: "Citizen page",
    Role.COUNTER_OFFICER: "Counter officer page",
    Role.PROCESSING_OFFICER: "Processing officer page",
    Role.OFFICE_LEADER: "Office leader page",
    Role.SUPERVISOR: "Supervisor page",
    Role.ADMINISTRATOR: "Administrator page",
}

ROLE_LINKS = {
    Role.CITIZEN: [
        "dossiers:mine",
        "notifications:inbox",
        "beneficiaries:home",
        "procedures:list",
        "tracking:track",
        "queues:appointments",
        "oauth2_provider:authorised_apps",
    ],
    Role.COUNTER_OFFICER: [
        "queues:counter",
        "dossiers:counter_intake",
        "dossiers:worklist",
        "beneficiaries:home",
        "dossiers:tracking_book",
    ],
    Role.PROCESSING_OFFICER: ["dossiers:worklist", "dossiers:tracking_book"],
    Role.OFFICE_LEADER: [
        "dossiers:worklist",
        "dashboards:index",
        "queues:live",
        "accounts:office_team",
        "dossiers:tracking_book",
    ],
    Role.SUPERVISOR: ["dashboards:index", "dossiers:worklist", "dossiers:tracking_book"],
    Role.ADMINISTRATOR: ["admin:index"],
}


def _routes(url_names: list[str]) -> set[str]:
    urls = set()
    for name in url_names:
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue  # that app's page is not there yet; the landing page skips it too
    return urls


def _landing_links(html: str) -> set[str]:
    grid = re.search(r'<ul class="grid" role="list">(.*?)</ul>', html, re.DOTALL)
    assert grid, "the landing page lists its links in ul.grid"
    return set(re.findall(r'href="([^"]+)"', grid.group(1)))


@pytest.mark.parametrize("role", list(Role))
def test_landing_page_shows_only_the_roles_heading_and_links(client, role):
    client.force_login(UserFactory(role=role, username=f"user-{role}"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(LANDING_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 data-testid="landing-heading">{ROLE_HEADINGS[role]}</h1>' in html
    for other, heading in ROLE_HEADINGS.items():
        if other != role:
            assert heading not in html
    assert _landing_links(html) == _routes(ROLE_LINKS[role])


def test_citizen_landing_page_links_their_tasks(client):
    client.force_login(UserFactory(citizen=True))

    html = client.get(LANDING_URL).content.decode()

    assert {"/dossiers/", "/procedures/"} <= _landing_links(html)
    assert reverse("admin:index") not in _landing_links(html)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LANDING_URL)

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={LANDING_URL}"


# --- Language ---------------------------------------------------------------------------


def test_switching_language_makes_what_the_portal_sends_follow_it(client, catalogue, offices):
    from dossiers.constants import DossierState, EventKind
    from dossiers.services import event_append
    from notifications.services import notify_event
    from tests.dossiers.factories import make_dossier

    user = User.objects.create_user(
        username="cd001090012345",
        role=Role.CITIZEN,
        national_id="001090012345",
        full_name="Nguyễn Văn An",
        email="an@example.vn",
    )
    assert user.preferred_language == "vi"
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/me/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.IN_PROCESSING,
        office=offices[1],
        applicant=user,
    )
    event = event_append(
        dossier=dossier,
        kind=EventKind.TRANSITION,
        actor=None,
        from_state=DossierState.RECEIVED,
        to_state=DossierState.IN_PROCESSING,
        citizen_visible=True,
    )
    inbox = {n.channel: n for n in notify_event(event_id=event.pk)}["inbox"]
    assert inbox.language == "en"
    assert "has a new status" in inbox.body


def test_anonymous_language_switch_still_works(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
