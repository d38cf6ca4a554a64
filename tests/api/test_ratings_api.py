"""Ratings API: the applicant rates a returned dossier once, changes it for 7 days, reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dossiers.constants import DossierState, EventKind
from ratings.constants import RatingChannel
from ratings.models import Rating
from tests.dossiers.factories import make_dossier

from .conftest import session_client

pytestmark = pytest.mark.django_db

ANSWERS = {
    "score": 5,
    "timeliness": 4,
    "attitude": 5,
    "guidance": 3,
    "trips_needed": 1,
    "comment": "Cán bộ hướng dẫn tận tình.",
}


@pytest.fixture
def make(catalogue, offices, citizen):
    def _make(state=DossierState.RETURNED, **extra):
        extra.setdefault("applicant", citizen)
        if state == DossierState.RETURNED:
            extra.setdefault("returned_at", timezone.now())
            extra.setdefault("outcome", "approved")
        return make_dossier(
            procedure=catalogue["sickness-benefit"], state=state, office=offices[1], **extra
        )

    return _make


@pytest.fixture
def returned(make):
    return make()


def _url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.code}/rating/"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def test_the_applicant_rates_once_and_reads_it_back(citizen_client, returned, citizen):
    before = citizen_client.get(_url(returned))
    assert before.status_code == 200
    assert before.json() | {"url": None} == {
        "dossier": returned.code,
        "url": None,
        "can_rate": True,
        "can_edit": False,
        "rating": None,
    }

    response = citizen_client.post(_url(returned), ANSWERS, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["can_rate"] is False
    assert body["can_edit"] is True
    assert body["rating"]["score"] == 5
    assert body["rating"]["channel"] == RatingChannel.WEB
    rating = Rating.objects.get(dossier=returned)
    assert rating.rater == citizen
    assert returned.events.filter(kind=EventKind.RATED).count() == 1

    again = citizen_client.get(_url(returned))
    assert again.json()["rating"]["comment"] == "Cán bộ hướng dẫn tận tình."


def test_the_dossier_reference_works_too(citizen_client, returned):
    response = citizen_client.post(
        f"/api/v1/dossiers/{returned.reference}/rating/", ANSWERS, format="json"
    )
    assert response.status_code == 201, response.content


def test_a_second_rating_is_a_conflict(citizen_client, returned):
    assert citizen_client.post(_url(returned), ANSWERS, format="json").status_code == 201
    response = citizen_client.post(_url(returned), {**ANSWERS, "score": 1}, format="json")
    _problem(response, 409, "already_rated")
    assert Rating.objects.get(dossier=returned).score == 5


def test_another_citizens_dossier_is_not_found(other_citizen_client, returned):
    _problem(other_citizen_client.get(_url(returned)), 404, "not_found")
    _problem(other_citizen_client.post(_url(returned), ANSWERS, format="json"), 404, "not_found")
    _problem(other_citizen_client.put(_url(returned), ANSWERS, format="json"), 404, "not_found")
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "state", [DossierState.SUBMITTED, DossierState.IN_PROCESSING, DossierState.PROCESSED]
)
def test_a_dossier_not_yet_returned_cannot_be_rated(citizen_client, make, state):
    dossier = make(state=state)
    panel = citizen_client.get(_url(dossier)).json()
    assert panel["can_rate"] is False
    _problem(citizen_client.post(_url(dossier), ANSWERS, format="json"), 409, "not_ratable")
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", 6),
        ("score", 0),
        ("attitude", "five"),
        ("guidance", None),
        ("trips_needed", -1),
        ("trips_needed", 21),
        ("comment", ["a", "list"]),
    ],
)
def test_bad_answers_are_field_errors(citizen_client, returned, field, value):
    response = citizen_client.post(_url(returned), {**ANSWERS, field: value}, format="json")
    body = _problem(response, 400, "validation_error")
    assert [error["field"] for error in body["errors"]] == [field]
    assert not Rating.objects.exists()


def test_a_missing_score_is_a_field_error(citizen_client, returned):
    answers = dict(ANSWERS)
    del answers["score"]
    body = _problem(
        citizen_client.post(_url(returned), answers, format="json"), 400, "validation_error"
    )
    assert body["errors"][0]["field"] == "score"


def test_an_idempotent_replay_returns_the_same_rating(citizen_client, returned):
    headers = {"HTTP_IDEMPOTENCY_KEY": "rate-1"}
    first = citizen_client.post(_url(returned), ANSWERS, format="json", **headers)
    second = citizen_client.post(_url(returned), ANSWERS, format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Rating.objects.count() == 1
    assert returned.events.filter(kind=EventKind.RATED).count() == 1
    reused = citizen_client.post(_url(returned), {**ANSWERS, "score": 2}, format="json", **headers)
    _problem(reused, 422, "idempotency_key_reused")


def test_the_applicant_changes_the_rating_within_7_days(citizen_client, returned):
    _problem(citizen_client.put(_url(returned), ANSWERS, format="json"), 404, "not_rated")
    citizen_client.post(_url(returned), ANSWERS, format="json")
    response = citizen_client.put(_url(returned), {**ANSWERS, "score": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rating"]["score"] == 2
    assert Rating.objects.get(dossier=returned).score == 2


def test_the_rating_is_frozen_after_7_days(citizen_client, returned):
    citizen_client.post(_url(returned), ANSWERS, format="json")
    Rating.objects.filter(dossier=returned).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert citizen_client.get(_url(returned)).json()["can_edit"] is False
    response = citizen_client.put(_url(returned), {**ANSWERS, "score": 1}, format="json")
    _problem(response, 409, "edit_window_closed")
    assert Rating.objects.get(dossier=returned).score == 5


def test_officers_read_the_rating_but_cannot_rate(officers, returned, citizen_client):
    counter = session_client(officers["counter"])
    _problem(counter.post(_url(returned), ANSWERS, format="json"), 403, "not_allowed")
    citizen_client.post(_url(returned), ANSWERS, format="json")
    panel = counter.get(_url(returned)).json()
    assert panel["rating"]["score"] == 5
    assert panel["can_edit"] is False


def test_partner_tokens_are_refused(returned, ivan):
    _problem(ivan.client.get(_url(returned)), 403, "permission_denied")
    _problem(ivan.client.post(_url(returned), ANSWERS, format="json"), 403, "permission_denied")


def test_anonymous_clients_must_sign_in(returned):
    response = APIClient().get(_url(returned))
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_a_missing_dossier_is_not_found(citizen_client):
    _problem(
        citizen_client.get("/api/v1/dossiers/000.00.01.H26-000000-9999/rating/"), 404, "not_found"
    )
