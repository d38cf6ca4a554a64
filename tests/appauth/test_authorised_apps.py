"""A citizen sees the apps they allowed to use their account, and withdraws one."""

import datetime as dt

import pytest
import time_machine
from oauth2_provider.models import AccessToken, RefreshToken
from rest_framework.test import APIClient

from appauth.services import citizen_app_client_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam
PAGE = "/oauth/apps/"


def tokens_for(user, application, *, token):
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=token,
        expires=NOW + dt.timedelta(minutes=10),
        scope="profile dossiers:read",
    )
    RefreshToken.objects.create(
        user=user, application=application, token=f"refresh-{token}", access_token=access
    )
    return access


@time_machine.travel(NOW, tick=False)
def test_a_citizen_lists_the_apps_with_access_and_withdraws_one(client):
    app = citizen_app_client_ensure()
    citizen = UserFactory(citizen=True, national_id="001090012345", username="cd001090012345")
    neighbour = UserFactory(citizen=True, national_id="001090054321", username="cd001090054321")
    tokens_for(citizen, app, token="citizen-access")
    tokens_for(neighbour, app, token="neighbour-access")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer citizen-access")
    assert api.get("/api/v1/me/").status_code == 200

    client.force_login(citizen)
    landing = client.get("/accounts/me/").content.decode()
    assert f'href="{PAGE}"' in landing  # linked from the account page

    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="authorised-apps"' in html
    assert app.name in html
    assert "Xem hồ sơ thủ tục của bạn / Read your dossiers" in html  # what it can do
    assert "02/03/2026" in html  # since when

    response = client.post(PAGE, {"application": app.pk}, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="no-authorised-apps"' in html
    assert "Đã thu hồi quyền truy cập của ứng dụng." in html
    # The app is signed out at once and cannot refresh; the neighbour keeps their app.
    assert api.get("/api/v1/me/").status_code == 401
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert RefreshToken.objects.get(user=citizen).revoked is not None
    assert AccessToken.objects.filter(user=neighbour).exists()
    assert RefreshToken.objects.get(user=neighbour).revoked is None

    # Pressing again (or naming an app that has no access, or nothing) changes nothing.
    for value in (app.pk, "", "x"):
        again = client.post(PAGE, {"application": value}, follow=True)
        assert again.status_code == 200
        assert "Ứng dụng đó không có quyền truy cập tài khoản của bạn." in again.content.decode()


def test_staff_have_no_authorised_apps_page(client):
    client.force_login(UserFactory(counter_officer=True))
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302  # to the sign-in page
