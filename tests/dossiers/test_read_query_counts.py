"""The reads officers and citizens make all day run a fixed number of SQL statements,
however many rows they show (issue #15): an N+1 added to any of them fails here.

Each cap is what the page needs today with a full page of rows; the rows are many and
varied (assigned officers, procedures, events, notifications) so a per-row lookup shows.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.constants import Role
from dossiers.constants import DossierState
from dossiers.models import DossierEvent
from dossiers.services import event_append
from dossiers.tracking import tracking_token
from notifications.constants import NotificationChannel
from notifications.models import Notification
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory
from tests.two_factor import SECOND_FACTOR_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

OPEN_STATES = [
    DossierState.RECEIVED,
    DossierState.IN_PROCESSING,
    DossierState.APPRAISAL,
    DossierState.AWAITING_SIGNATURE,
    DossierState.SUPPLEMENT_REQUESTED,
]


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hanoi(offices):
    return offices[1]


@pytest.fixture
def people(hanoi):
    return {
        "leader": UserFactory(username="q-leader", role=Role.OFFICE_LEADER, office=hanoi),
        "counter": UserFactory(username="q-counter", role=Role.COUNTER_OFFICER, office=hanoi),
        "officers": [
            UserFactory(username=f"q-officer-{n}", role=Role.PROCESSING_OFFICER, office=hanoi)
            for n in range(5)
        ],
        "citizen": UserFactory(citizen=True, national_id="001090012345"),
    }


@pytest.fixture
def many(catalogue, hanoi, people):
    """50 open dossiers of Hà Nội, of three procedures, assigned to five officers, each
    with events, all filed by one citizen."""
    procedures = [catalogue[slug] for slug in sorted(catalogue)][:3]
    dossiers = []
    for n in range(50):
        dossier = make_dossier(
            procedure=procedures[n % len(procedures)],
            state=OPEN_STATES[n % len(OPEN_STATES)],
            office=hanoi,
            applicant=people["citizen"],
            assigned_to=people["officers"][n % 5],
            due_in_days=1 + n % 20,
        )
        for to_state in ("received", "in_processing"):
            event_append(
                dossier=dossier,
                kind="transition",
                actor=people["leader"],
                from_state="submitted",
                to_state=to_state,
                citizen_visible=True,
            )
        dossiers.append(dossier)
    return dossiers


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _halves_read_first() -> int:
    """Statements added where the database has no LIMIT inside a UNION (SQLite).

    `dossiers.selectors.first_of_each_branch` then reads the ids of each half of an office's
    scope first: two more statements, still independent of the number of rows.
    """
    return 0 if connection.features.supports_slicing_ordering_in_compound else 2


def test_worklist_page_of_many_rows(many, people, django_assert_max_num_queries):
    """The page the issue measured: leader, open tab, a full page of assigned dossiers."""
    client = _client(people["leader"])

    with django_assert_max_num_queries(7 + SECOND_FACTOR_QUERIES):
        response = client.get(reverse("dossiers:worklist"), {"tab": "open"})

    assert response.status_code == 200
    assert sum(d.code in response.text for d in many) == 25  # one page of 50


def test_counter_worklist_page_of_many_rows(many, people, django_assert_max_num_queries):
    client = _client(people["counter"])

    # Its scope is two offices (competent or receiving): the counts are one index-only
    # query per half, the rows still one query.
    with django_assert_max_num_queries(8 + _halves_read_first() + SECOND_FACTOR_QUERIES):
        response = client.get(reverse("dossiers:worklist"), {"tab": "open"})

    assert response.status_code == 200
    assert sum(d.code in response.text for d in many) == 25  # one page of 50


@pytest.mark.parametrize("who", ["leader", "counter", "citizen"])
def test_api_list_of_a_full_page(many, people, who, django_assert_max_num_queries):
    client = _client(people[who])
    staff = SECOND_FACTOR_QUERIES if who != "citizen" else 0

    with django_assert_max_num_queries(3 + _halves_read_first() + staff):
        response = client.get("/api/v1/dossiers/", {"page_size": 50})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


# Staff: +1 for the visit at the counter (the queue ticket the dossier was received from)
# and +1 for the INSERT into the access log (issue #18); the citizen's opening of their own
# dossier is not logged.
@pytest.mark.parametrize(("who", "cap"), [("leader", 17 + SECOND_FACTOR_QUERIES), ("citizen", 11)])
def test_detail_page(many, people, who, cap, django_assert_max_num_queries):
    client = _client(people[who])

    with django_assert_max_num_queries(cap):
        response = client.get(reverse("dossiers:detail", args=[many[0].reference]))

    assert response.status_code == 200
    assert many[0].code in response.text


def test_detail_api(many, people, django_assert_max_num_queries):
    client = _client(people["leader"])

    # 5 reads and the access log's INSERT
    with django_assert_max_num_queries(6 + SECOND_FACTOR_QUERIES):
        response = client.get(f"/api/v1/dossiers/{many[0].code}/")

    assert response.status_code == 200
    assert response.json()["code"] == many[0].code


def test_tracking_page_and_api(many, django_assert_max_num_queries):
    code = many[0].code
    token = tracking_token(code)

    with django_assert_max_num_queries(3):
        page = APIClient().get(reverse("tracking:track_code", args=[code]), {"t": token})
    with django_assert_max_num_queries(2):
        api = APIClient().get(f"/api/v1/tracking/{code}/", {"token": token})

    assert page.status_code == 200
    assert 'data-testid="tracked-dossier"' in page.text
    assert api.status_code == 200
    assert api.json()["state"] == many[0].state


def test_my_dossiers_page(many, people, django_assert_max_num_queries):
    client = _client(people["citizen"])

    with django_assert_max_num_queries(7):
        response = client.get(reverse("dossiers:mine"))

    assert response.status_code == 200
    assert all(d.code in response.text for d in many)


def test_inbox_page(many, people, django_assert_max_num_queries):
    citizen = people["citizen"]
    events = DossierEvent.objects.filter(dossier__in=many).order_by("id")[:40]
    for n, event in enumerate(events):
        Notification.objects.create(
            event=event,
            recipient=citizen,
            channel=NotificationChannel.INBOX,
            subject=f"Thông báo số {n}",
            body="Hồ sơ của bạn đã được tiếp nhận.",
            read_at=timezone.now() if n % 2 else None,
        )
    client = _client(citizen)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert response.text.count("Thông báo số") == 30  # one page
