"""Problem details speak the reader's language: titles and details follow Accept-Language,
Django REST framework's own messages included, and no title shows a template."""

import pytest
from rest_framework.test import APIClient

from partners.constants import PartnerKind
from tests.api.conftest import SICKNESS

pytestmark = pytest.mark.django_db

VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_not_authenticated_in_vietnamese_and_english():
    client = APIClient()

    vi = client.get("/api/v1/dossiers/", **VI).json()
    en = client.get("/api/v1/dossiers/", **EN).json()

    assert vi["title"] == "Chưa cung cấp thông tin xác thực."
    assert en["title"] == "Authentication credentials were not provided."


def test_wrong_token_in_vietnamese():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    body = client.get("/api/v1/dossiers/", **VI).json()

    assert body["status"] == 401
    assert body["title"] == "Thông tin xác thực không đúng."


def test_malformed_json_in_vietnamese(ivan):
    response = ivan.client.post(
        "/api/v1/dossiers/", data="{not json", content_type="application/json", **VI
    )

    assert response.status_code == 400
    assert response.json()["title"] == "Yêu cầu sai cấu trúc."


def test_unsupported_media_type_names_it(ivan):
    response = ivan.client.post("/api/v1/dossiers/", data="hello", content_type="text/plain", **EN)

    body = response.json()
    assert response.status_code == 415
    assert "{" not in body["title"]
    assert "text/plain" in body["title"]


def test_an_invalid_choice_in_vietnamese(ivan, catalogue):
    response = ivan.client.post(
        "/api/v1/dossiers/",
        {"procedure": SICKNESS, "province_code": "pigeon"},
        format="json",
        **VI,
    )

    messages = [error["message"] for error in response.json()["errors"]]
    assert response.status_code == 400
    assert '"pigeon" không phải là lựa chọn hợp lệ.' in messages


def test_throttled_in_vietnamese(make_partner, catalogue):
    slow = make_partner(kind=PartnerKind.IVAN, name="Chậm", rate=1)
    slow.client.get("/api/v1/dossiers/", **VI)

    body = slow.client.get("/api/v1/dossiers/", **VI).json()

    assert body["status"] == 429
    assert body["title"] == "Yêu cầu bị giới hạn tốc độ."
    assert "Hãy thử lại sau" in body["detail"]
    assert "Expected" not in body["detail"]


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/api/v1/dossiers/", {"page_size": "0"}, "page_size"),
        ("/api/v1/dossiers/", {"page_size": "-1"}, "page_size"),
        ("/api/v1/dossiers/", {"page_size": "abc"}, "page_size"),
        ("/api/v1/dossiers/", {"page_size": "101"}, "page_size"),
        ("/api/v1/procedures/", {"page_size": "null"}, "page_size"),
        ("/api/v1/procedures/", {"page_size": "0"}, "page_size"),
        ("/api/v1/procedures/", {"include_total": "perhaps"}, "include_total"),
        ("/api/v1/dossiers/", {"include_total": "2"}, "include_total"),
    ],
)
def test_bad_paging_parameters_are_a_400_naming_the_parameter(ivan, catalogue, path, query, name):
    response = ivan.client.get(path, query, **EN)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == name


def test_good_paging_parameters_still_page(ivan, catalogue):
    assert len(ivan.client.get("/api/v1/procedures/", {"page_size": 2}).json()["results"]) == 2
    assert ivan.client.get("/api/v1/dossiers/", {"page_size": 100}).status_code == 200
