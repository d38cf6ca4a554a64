import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.constants import Role
from dossiers.constants import DossierState, EventKind
from dossiers.tracking import ATTEMPTS_PER_WINDOW
from ratings.constants import RatingChannel
from ratings.models import Rating
from ratings.services import Answers, rating_submit
from ratings.views import KIOSK_SESSION_KEY
from tests.factories import UserFactory

from .conftest import ANSWERS


def _rate_url(dossier):
    return f"/ratings/d/{dossier.reference}/"


def _detail_url(dossier):
    return f"/dossiers/d/{dossier.reference}/"


# --- another citizen's dossier is never visible ----------------------------------------


def test_another_citizens_dossier_is_404_on_every_page(client, returned, other_citizen):
    client.force_login(other_citizen)

    assert client.get(_detail_url(returned)).status_code == 404
    assert client.get(_rate_url(returned)).status_code == 404
    assert client.post(_rate_url(returned), ANSWERS).status_code == 404
    assert not Rating.objects.exists()


@pytest.mark.parametrize("role", [Role.COUNTER_OFFICER, Role.OFFICE_LEADER, Role.SUPERVISOR])
def test_staff_cannot_rate_in_a_citizens_place(client, returned, hanoi, role):
    client.force_login(UserFactory(role=role, office=hanoi))

    assert client.get(_rate_url(returned)).status_code == 404
    assert client.post(_rate_url(returned), ANSWERS).status_code == 404
    assert not Rating.objects.exists()


def test_the_rating_page_needs_a_login(client, returned):
    response = client.get(_rate_url(returned))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the dossier page -------------------------------------------------------------------


def test_the_dossier_page_offers_the_form_once_the_result_is_returned(client, make, citizen):
    open_dossier = make(state=DossierState.PROCESSED)
    returned = make(returned_at=timezone.now())
    client.force_login(citizen)

    assert 'data-testid="rating-form"' not in client.get(_detail_url(open_dossier)).text
    page = client.get(_detail_url(returned)).text
    assert 'data-testid="rating-form"' in page
    assert f'action="{_rate_url(returned)}"' in page
    assert page.count('type="radio"') == 4 * 5


def test_rating_from_the_dossier_page(client, returned, citizen):
    client.force_login(citizen)

    response = client.post(_rate_url(returned), ANSWERS)

    assert response.status_code == 302
    assert response["Location"] == _detail_url(returned)
    rating = Rating.objects.get(dossier=returned)
    assert (rating.score, rating.timeliness, rating.attitude, rating.guidance) == (5, 4, 5, 3)
    assert rating.rater == citizen
    assert rating.channel == RatingChannel.WEB
    page = client.get(_detail_url(returned)).text
    assert 'data-testid="rating-form"' not in page
    assert 'data-testid="rating-summary"' in page
    assert 'data-testid="rating-change"' in page
    assert ANSWERS["comment"] in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", ""),
        ("score", "7"),
        ("attitude", "abc"),
        ("trips_needed", "-1"),
        ("trips_needed", "x"),
    ],
)
def test_bad_answers_get_field_messages_not_errors(client, returned, citizen, field, value):
    client.force_login(citizen)

    response = client.post(_rate_url(returned), {**ANSWERS, field: value})

    assert response.status_code == 200  # the form again, with the message: never a 400
    assert f'id="rating_{field}_error"' in response.text
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("channel", "trips"), [("online", 0), ("counter", 1)])
def test_trips_left_empty_take_the_channels_default(client, make, citizen, channel, trips):
    dossier = make(channel=channel)
    client.force_login(citizen)

    form = client.get(_rate_url(dossier)).context["form"]
    response = client.post(_rate_url(dossier), {**ANSWERS, "trips_needed": ""})

    assert form["trips_needed"].value() == trips  # shown filled in, not blank
    assert response.status_code == 302
    assert Rating.objects.get(dossier=dossier).trips_needed == trips


def test_a_missing_answer_is_named(client, returned, citizen):
    client.force_login(citizen)
    data = {k: v for k, v in ANSWERS.items() if k != "guidance"}

    response = client.post(_rate_url(returned), data)

    assert response.status_code == 200
    assert 'id="rating_guidance_error"' in response.text
    assert 'id="rating_score_error"' not in response.text


def test_rating_before_the_return_is_refused_with_a_message(client, make, citizen):
    dossier = make(state=DossierState.IN_PROCESSING)
    client.force_login(citizen)

    assert 'data-testid="rating-not-open"' in client.get(_rate_url(dossier)).text
    response = client.post(_rate_url(dossier), ANSWERS)

    assert response.status_code == 409
    assert 'data-testid="rating-error"' in response.text
    assert not Rating.objects.exists()


def test_changing_the_rating_within_7_days_then_not(client, returned, citizen):
    client.force_login(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(_rate_url(returned), ANSWERS)
        traveller.shift(dt.timedelta(days=3))
        page = client.get(_rate_url(returned)).text
        # The form comes back with the answers given.
        assert 'name="score" value="5" id="rating_score_4" required checked' in page
        assert 'name="score" value="4" id="rating_score_3" required>' in page
        response = client.post(_rate_url(returned), {**ANSWERS, "score": "4"})
        assert response.status_code == 302

        traveller.shift(dt.timedelta(days=5))
        assert 'data-testid="rating-change"' not in client.get(_detail_url(returned)).text
        response = client.post(_rate_url(returned), {**ANSWERS, "score": "1"})

    assert response.status_code == 409
    assert Rating.objects.get(dossier=returned).score == 4
    assert Rating.objects.count() == 1
    assert returned.events.filter(kind=EventKind.RATED).count() == 2


def test_staff_see_the_rating_on_the_dossier_page_but_no_form(client, returned, citizen, leader):
    rating_submit(
        dossier=returned,
        rater=citizen,
        channel=RatingChannel.WEB,
        answers=Answers(score=4, timeliness=4, attitude=4, guidance=4, trips_needed=0),
    )
    client.force_login(leader)

    page = client.get(_detail_url(returned)).text

    assert 'data-testid="rating-summary"' in page
    assert 'data-testid="rating-form"' not in page
    assert 'data-testid="rating-change"' not in page


# --- My dossiers ------------------------------------------------------------------------


def test_my_dossiers_links_unrated_returned_dossiers_to_the_form(client, make, citizen):
    unrated = make(returned_at=timezone.now())
    rated = make(returned_at=timezone.now())
    rating_submit(
        dossier=rated, rater=citizen, channel=RatingChannel.WEB, answers=Answers(5, 5, 5, 5, 0)
    )
    make(state=DossierState.IN_PROCESSING)
    client.force_login(citizen)

    page = client.get("/dossiers/").text

    assert page.count('data-testid="rate-link"') == 1
    assert f'href="{_rate_url(unrated)}"' in page


def test_my_dossiers_queries_do_not_grow_with_the_number_of_dossiers(client, make, citizen):
    client.force_login(citizen)
    make(returned_at=timezone.now())
    make(state=DossierState.IN_PROCESSING)
    client.get("/dossiers/")  # warm the session and the prediction cache
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dossiers/").status_code == 200

    for _ in range(4):
        make(returned_at=timezone.now())
        make(state=DossierState.IN_PROCESSING)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dossiers/").status_code == 200

    assert len(many) == len(few)


# --- the counter tablet -----------------------------------------------------------------


def _lookup(client, code, last4="2345", **extra):
    return client.post("/ratings/counter/", {"code": code, "id_last4": last4}, **extra)


def test_counter_tablet_rating_from_code_and_id_digits(client, returned):
    page = client.get("/ratings/counter/")
    assert page.status_code == 200

    response = _lookup(client, returned.code.lower())
    assert response.status_code == 302
    assert response["Location"] == "/ratings/counter/rate/"

    page = client.get("/ratings/counter/rate/")
    assert page.status_code == 200
    assert "N***** V** A*" in page.text
    assert returned.applicant_national_id not in page.text
    assert "Nguyễn Văn An" not in page.text

    response = client.post("/ratings/counter/rate/", ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == "/ratings/counter/thanks/"
    rating = Rating.objects.get(dossier=returned)
    assert rating.channel == RatingChannel.TABLET
    assert rating.rater is None
    # The tablet forgets the dossier: the next citizen starts again.
    assert KIOSK_SESSION_KEY not in client.session
    assert client.get("/ratings/counter/rate/")["Location"] == "/ratings/counter/"


def test_counter_tablet_wrong_digits_and_unknown_code_look_the_same(client, returned):
    wrong = _lookup(client, returned.code, "9999")
    unknown = _lookup(client, "000.00.01.G12-261124-9999", "2345")

    assert wrong.status_code == unknown.status_code == 404
    assert 'data-testid="counter-error"' in wrong.text
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert client.get("/ratings/counter/rate/").status_code == 302


def test_counter_tablet_bad_input_gets_field_messages(client):
    response = _lookup(client, "", "12a")

    assert response.status_code == 200
    assert 'id="id_code_error"' in response.text
    assert 'id="id_id_last4_error"' in response.text


def test_counter_tablet_is_rate_limited(client, returned):
    for _ in range(ATTEMPTS_PER_WINDOW):
        assert _lookup(client, returned.code, "0000").status_code == 404

    response = _lookup(client, returned.code, "2345")

    assert response.status_code == 429
    assert client.get("/ratings/counter/rate/").status_code == 302
    # Another client is not affected.
    assert _lookup(client, returned.code, "2345", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_counter_tablet_explains_a_dossier_not_yet_returned(client, make):
    dossier = make(state=DossierState.PROCESSED)

    response = _lookup(client, dossier.code)

    assert response.status_code == 409
    assert client.get("/ratings/counter/rate/").status_code == 302


def test_counter_tablet_edits_within_7_days_then_refuses(client, returned, citizen):
    rating_submit(
        dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=Answers(5, 5, 5, 5, 0)
    )
    assert _lookup(client, returned.code).status_code == 302
    client.post("/ratings/counter/rate/", {**ANSWERS, "score": "2"})
    assert Rating.objects.get(dossier=returned).score == 2

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = _lookup(client, returned.code)

    assert response.status_code == 409
    assert Rating.objects.count() == 1


def test_counter_tablet_session_expires(client, returned):
    _lookup(client, returned.code)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        response = client.post("/ratings/counter/rate/", ANSWERS)

    assert response.status_code == 302
    assert response["Location"] == "/ratings/counter/"
    assert not Rating.objects.exists()


def test_counter_tablet_bad_answers_get_field_messages(client, returned):
    _lookup(client, returned.code)

    response = client.post("/ratings/counter/rate/", {**ANSWERS, "timeliness": "0"})

    assert response.status_code == 200
    assert 'id="rating_timeliness_error"' in response.text
    assert not Rating.objects.exists()
