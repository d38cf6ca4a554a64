"""Every answer under /api/ is problem+json, also for paths and methods no view answers."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_an_unknown_api_path_is_a_problem_not_an_html_page():
    response = APIClient().get("/api/v1/khong-co/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "not_found"
    assert body["type"] == "https://portal.vss.gov.vn/problems/not-found"
    assert body["status"] == 404
    assert body["title"] == "Page not found"


def test_an_unknown_path_outside_the_api_stays_a_page():
    response = APIClient().get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_view_does_not_take_is_a_problem(citizen_client):
    response = citizen_client.delete("/api/v1/dossiers/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "method_not_allowed"
