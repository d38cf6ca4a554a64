"""Public tracking by code: no sign-in, no personal data, limited attempts."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from dossiers.constants import DossierState
from dossiers.tracking import tracking_token
from tests.dossiers.factories import make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(catalogue, offices):
    return make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=offices[1]
    )


def _track(code, **params):
    return APIClient().get(f"/api/v1/tracking/{code}/", params)


def test_code_with_the_ids_last_digits_shows_progress_without_personal_data(tracked):
    response = _track(tracked.code, id_last4="2345")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "received"
    assert body["portal_code"] == 2
    assert body["applicant_masked_name"] == "N***** V** A*"
    text = response.content.decode()
    assert "001090012345" not in text
    assert "Nguyễn Văn An" not in text


def test_the_slip_token_works_instead_of_the_digits(tracked):
    assert _track(tracked.code, token=tracking_token(tracked.code)).status_code == 200
    assert _track(tracked.code, token=tracking_token("OTHER-CODE")).status_code == 404


def test_wrong_digits_and_unknown_codes_look_the_same(tracked):
    wrong = _track(tracked.code, id_last4="9999")
    unknown = _track("000.00.01.H26-010101-9999", id_last4="2345")

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize("params", [{}, {"id_last4": "12"}, {"id_last4": "abcd"}])
def test_missing_or_malformed_credentials_are_400(tracked, params):
    response = _track(tracked.code, **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_ten_failures_block_the_client_for_ten_minutes(tracked):
    with time_machine.travel("2026-11-24 09:00 +0700", tick=False) as clock:
        failures = [_track(tracked.code, id_last4="0000").status_code for _ in range(10)]
        clock.shift(dt.timedelta(minutes=2))  # past the per-minute request rate
        blocked = _track(tracked.code, id_last4="2345")
        clock.shift(dt.timedelta(minutes=9))
        again = _track(tracked.code, id_last4="2345")

    assert set(failures) == {404}
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    assert again.status_code == 200


def test_a_locked_code_answers_an_hour_but_the_slip_token_still_works(tracked):
    from dossiers.tracking import CODE_ATTEMPTS_PER_WINDOW, tracked_lookup

    for n in range(CODE_ATTEMPTS_PER_WINDOW):
        tracked_lookup(client=f"10.0.{n}.1", code=tracked.code, id_last4=f"{n:04d}")

    locked = _track(tracked.code, id_last4="2345")
    by_token = _track(tracked.code, token=tracking_token(tracked.code))

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 3600
    assert by_token.status_code == 200


def test_requests_are_also_limited_per_minute(tracked):
    with time_machine.travel("2026-11-24 09:00 +0700", tick=False):
        statuses = [_track(tracked.code, id_last4="2345").status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]


def test_a_dossier_past_its_statutory_date_is_late_in_the_api_despite_the_apology(
    catalogue, offices, citizen, citizen_client
):
    vn = dt.timezone(dt.timedelta(hours=7))
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=vn), tick=False):
        late = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.PROCESSED,
            office=offices[1],
            applicant=citizen,
            due_at=dt.datetime(2026, 12, 8, 16, tzinfo=vn),
            statutory_due_at=dt.datetime(2026, 12, 1, 16, tzinfo=vn),
            apology_issued_at=dt.datetime(2026, 12, 1, 15, tzinfo=vn),
        )
        tracked = _track(late.code, id_last4="2345").json()
        detail = citizen_client.get(f"/api/v1/dossiers/{late.code}/").json()
    for body in (tracked, detail):
        assert body["timeliness"] == "late"
        assert body["statutory_due_at"] == "2026-12-01T16:00:00+07:00"
        assert body["due_at"] == "2026-12-08T16:00:00+07:00"
