import datetime as dt
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.constants import Role
from dossiers.constants import DossierState, EventKind
from notifications.constants import Audience
from notifications.models import Notification
from ratings.constants import RatingChannel
from ratings.exceptions import (
    AlreadyRated,
    EditWindowClosed,
    NotRatable,
    RatingError,
    RatingNotAllowed,
)
from ratings.models import Rating
from ratings.services import Answers, rating_submit, rating_update
from tests.factories import UserFactory

HAPPY = Answers(score=5, timeliness=4, attitude=5, guidance=4, trips_needed=1, comment=" Tốt ")
UNHAPPY = Answers(score=2, timeliness=1, attitude=3, guidance=2, trips_needed=3)


def _rated_events(dossier):
    return list(dossier.events.filter(kind=EventKind.RATED).order_by("id"))


@pytest.fixture
def notified(monkeypatch):
    """Calls of notifications.services.notify_staff, recorded instead of sent."""
    calls = []

    def record(*, event_id, recipient_ids):
        calls.append({"event_id": event_id, "recipient_ids": list(recipient_ids)})
        return []

    monkeypatch.setattr("notifications.services.notify_staff", record)
    return calls


# --- giving a rating -----------------------------------------------------------------


def test_applicant_rates_a_returned_dossier_and_the_trail_records_it(returned, citizen):
    rating = rating_submit(
        dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
    )

    rating.refresh_from_db()
    assert (rating.score, rating.timeliness, rating.attitude, rating.guidance) == (5, 4, 5, 4)
    assert rating.trips_needed == 1
    assert rating.comment == "Tốt"
    assert rating.rater == citizen
    assert rating.channel == RatingChannel.WEB
    [event] = _rated_events(returned)
    assert event.actor == citizen
    assert event.citizen_visible
    assert event.payload == {"rating_id": rating.pk, "score": 5, "channel": "web"}
    assert "Tốt" not in str(event.payload)  # the comment stays out of the audit trail


def test_a_rating_queues_its_dashboard_day_through_the_outbox(
    returned, citizen, django_capture_on_commit_callbacks
):
    from dashboards.models import RollupDirtyDay
    from outbox.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=True):
        rating = rating_submit(
            dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
        )
    # The `rated` event's outbox row (no direct call from ratings to dashboards).
    assert OutboxMessage.objects.filter(
        handler="dashboards.handlers.rollups_mark_rated", status="delivered"
    ).exists()
    assert (
        timezone.localdate(rating.created_at),
        returned.competent_office_id,
    ) in set(RollupDirtyDay.objects.values_list("day", "competent_office_id"))


@pytest.mark.parametrize(
    "state",
    [
        DossierState.SUBMITTED,
        DossierState.RECEIVED,
        DossierState.IN_PROCESSING,
        DossierState.SUPPLEMENT_REQUESTED,
        DossierState.PROCESSED,
        DossierState.WITHDRAWN,
        DossierState.REFUSED,
        DossierState.STOPPED,
    ],
)
def test_only_a_returned_dossier_can_be_rated(make, citizen, state):
    dossier = make(state=state)

    with pytest.raises(NotRatable):
        rating_submit(dossier=dossier, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY)

    assert not Rating.objects.filter(dossier=dossier).exists()
    assert _rated_events(dossier) == []


def test_a_dossier_is_rated_once(returned, citizen):
    rating_submit(dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY)

    with pytest.raises(AlreadyRated):
        rating_submit(dossier=returned, rater=None, channel=RatingChannel.TABLET, answers=UNHAPPY)

    assert Rating.objects.filter(dossier=returned).count() == 1
    assert len(_rated_events(returned)) == 1


def test_the_database_refuses_a_second_rating_of_a_dossier(returned, citizen):
    fields = {"channel": RatingChannel.TABLET, **HAPPY.fields()}
    Rating.objects.create(dossier=returned, **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=returned, **fields)


@pytest.mark.parametrize(
    "bad",
    [
        {"score": 0},
        {"score": 6},
        {"timeliness": 0},
        {"attitude": 6},
        {"guidance": 9},
        {"trips_needed": 21},
        {"channel": "phone"},
        {"channel": RatingChannel.WEB},  # an online rating without its author
    ],
)
def test_check_constraints_refuse_impossible_rows(returned, bad):
    fields = {"channel": RatingChannel.TABLET, **HAPPY.fields(), **bad}

    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=returned, **fields)


@pytest.mark.parametrize(
    "answers",
    [
        Answers(score=0, timeliness=3, attitude=3, guidance=3, trips_needed=0),
        Answers(score=3, timeliness=6, attitude=3, guidance=3, trips_needed=0),
        Answers(score=3, timeliness=3, attitude=3, guidance=3, trips_needed=-1),
        Answers(score=3, timeliness=3, attitude=3, guidance=3, trips_needed=99),
    ],
)
def test_out_of_range_answers_are_refused_before_writing(returned, citizen, answers):
    with pytest.raises(RatingError):
        rating_submit(dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=answers)
    assert not Rating.objects.exists()


def test_only_the_applicant_rates_online(returned, other_citizen, leader):
    for user in (other_citizen, leader, None):
        with pytest.raises(RatingNotAllowed):
            rating_submit(dossier=returned, rater=user, channel=RatingChannel.WEB, answers=HAPPY)
    assert not Rating.objects.exists()


def test_a_tablet_rating_has_no_account_behind_it(returned, leader):
    rating = rating_submit(
        dossier=returned, rater=leader, channel=RatingChannel.TABLET, answers=HAPPY
    )

    assert rating.rater is None
    assert _rated_events(returned)[0].actor is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_dossier_leave_exactly_one(returned, citizen):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    results, barrier = [], threading.Barrier(6)

    def rate():
        barrier.wait()
        try:
            rating_submit(dossier=returned, rater=None, channel=RatingChannel.TABLET, answers=HAPPY)
            results.append("ok")
        except AlreadyRated:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["already"] * 5 + ["ok"]
    assert Rating.objects.filter(dossier=returned).count() == 1
    assert len(_rated_events(returned)) == 1


# --- changing it ---------------------------------------------------------------------


def test_the_applicant_changes_the_rating_within_7_days(returned, citizen):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        rating = rating_submit(
            dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
        )
        traveller.shift(dt.timedelta(days=6, hours=23))
        changed = rating_update(
            rating=rating,
            actor=citizen,
            channel=RatingChannel.WEB,
            answers=Answers(score=4, timeliness=4, attitude=4, guidance=4, trips_needed=2),
        )

    changed.refresh_from_db()
    assert (changed.score, changed.trips_needed, changed.comment) == (4, 2, "")
    assert changed.updated_at > changed.created_at
    first, second = _rated_events(returned)
    assert second.payload["previous_score"] == 5
    assert second.payload["score"] == 4
    assert second.payload["changed"] is True


def test_the_rating_is_frozen_after_7_days(returned, citizen):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        rating = rating_submit(
            dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
        )
        traveller.shift(dt.timedelta(days=7, seconds=1))
        with pytest.raises(EditWindowClosed):
            rating_update(rating=rating, actor=citizen, channel=RatingChannel.WEB, answers=UNHAPPY)

    rating.refresh_from_db()
    assert rating.score == 5
    assert len(_rated_events(returned)) == 1


def test_another_citizen_cannot_change_the_rating(returned, citizen, other_citizen):
    rating = rating_submit(
        dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
    )

    with pytest.raises(RatingNotAllowed):
        rating_update(
            rating=rating, actor=other_citizen, channel=RatingChannel.WEB, answers=UNHAPPY
        )
    rating.refresh_from_db()
    assert rating.score == 5


# --- unhappy ratings reach the office leaders ---------------------------------------


def test_an_unhappy_rating_notifies_the_leaders_of_the_competent_office(
    returned, citizen, leader, offices, notified, django_capture_on_commit_callbacks
):
    UserFactory(username="ld-hcm", role=Role.OFFICE_LEADER, office=offices[79])
    UserFactory(username="xl-hn", role=Role.PROCESSING_OFFICER, office=leader.office)
    UserFactory(username="ld-old", role=Role.OFFICE_LEADER, office=leader.office, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=UNHAPPY)

    [event] = _rated_events(returned)
    assert notified == [{"event_id": event.pk, "recipient_ids": [leader.pk]}]


@pytest.mark.parametrize("score", [3, 4, 5])
def test_a_rating_of_3_or_more_notifies_nobody(
    returned, citizen, leader, notified, django_capture_on_commit_callbacks, score
):
    answers = Answers(score=score, timeliness=1, attitude=1, guidance=1, trips_needed=5)
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=answers)

    assert notified == []


def test_leaders_hear_when_a_rating_turns_unhappy_and_not_again(
    returned, citizen, leader, notified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rating = rating_submit(
            dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=HAPPY
        )
    assert notified == []

    with django_capture_on_commit_callbacks(execute=True):
        rating = rating_update(
            rating=rating, actor=citizen, channel=RatingChannel.WEB, answers=UNHAPPY
        )
    with django_capture_on_commit_callbacks(execute=True):
        rating_update(
            rating=rating,
            actor=citizen,
            channel=RatingChannel.WEB,
            answers=Answers(score=1, timeliness=1, attitude=1, guidance=1, trips_needed=4),
        )

    turned = _rated_events(returned)[1]
    assert notified == [{"event_id": turned.pk, "recipient_ids": [leader.pk]}]


def test_no_notification_is_scheduled_when_the_rating_is_refused(
    make, citizen, leader, notified, django_capture_on_commit_callbacks
):
    dossier = make(state=DossierState.PROCESSED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotRatable):
        rating_submit(dossier=dossier, rater=citizen, channel=RatingChannel.WEB, answers=UNHAPPY)
    assert notified == []


def test_the_leader_gets_an_inbox_message_about_an_unhappy_rating(
    returned, citizen, leader, django_capture_on_commit_callbacks
):
    """End to end through notifications.services.notify_staff (no stand-in)."""
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(dossier=returned, rater=citizen, channel=RatingChannel.WEB, answers=UNHAPPY)

    [event] = _rated_events(returned)
    staff = Notification.objects.filter(event=event, audience=Audience.STAFF)
    assert {n.recipient for n in staff} == {leader}
    assert staff.filter(channel="inbox").count() == 1
    assert returned.code in staff.get(channel="inbox").subject
