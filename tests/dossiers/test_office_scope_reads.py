"""An officer sees the dossiers of its office as competent office OR as receiving desk; the
reads walk each half by its own index (`office_scope_branches`) and must still give every
dossier once, in order, page after page (issue #15)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.constants import Role
from dossiers.constants import DossierState
from dossiers.models import Dossier
from dossiers.worklist import WorklistQuery, worklist
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(START, tick=False):
        yield


@pytest.fixture
def desk(catalogue, offices):
    """Hà Nội's desk: 6 dossiers it is competent for, 7 it took in for Hồ Chí Minh City,
    interleaved in time; 3 of Hồ Chí Minh City's own that Hà Nội must never see."""
    hanoi, hcmc = offices[1], offices[79]
    procedure = catalogue["sickness-benefit"]
    ours, taken_in, foreign = [], [], []
    for n in range(16):
        if n % 5 == 4:
            office, receiving, bucket = hcmc, hcmc, foreign
        elif n % 2:
            office, receiving, bucket = hcmc, hanoi, taken_in
        else:
            office, receiving, bucket = hanoi, hanoi, ours
        dossier = make_dossier(
            procedure=procedure,
            state=DossierState.RECEIVED,
            office=office,
            receiving_office=receiving,
            due_in_days=1 + (n * 7) % 16,
            created_at=timezone.now() - dt.timedelta(hours=n),
        )
        bucket.append(dossier)
    return {"hanoi": hanoi, "ours": ours, "taken_in": taken_in, "foreign": foreign}


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _walk(client, first_url, params):
    pages, body = [], client.get(first_url, params).json()
    pages.append(body)
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append(body)
    return pages


@pytest.mark.parametrize("role", [Role.OFFICE_LEADER, Role.COUNTER_OFFICER])
def test_api_list_gives_both_halves_newest_first_forward_and_back(desk, role):
    officer = UserFactory(role=role, office=desk["hanoi"])
    client = _client(officer)
    expected = [
        d.code
        for d in sorted(desk["ours"] + desk["taken_in"], key=lambda d: d.created_at, reverse=True)
    ]

    pages = _walk(client, "/api/v1/dossiers/", {"page_size": 3})
    codes = [row["code"] for page in pages for row in page["results"]]
    back = client.get(pages[2]["previous"]).json()

    assert codes == expected  # all 13, once each, newest first; none of HCMC's own
    assert len(pages) == 5
    assert [row["code"] for row in back["results"]] == expected[3:6]


def test_api_list_after_a_cursor_in_a_tie_of_creation_times(desk):
    """Same creation time: the cursor's offset counts rows of both halves."""
    Dossier.objects.filter(pk__in=[d.pk for d in desk["ours"] + desk["taken_in"]]).update(
        created_at=START - dt.timedelta(days=1)
    )
    client = _client(UserFactory(role=Role.OFFICE_LEADER, office=desk["hanoi"]))

    pages = _walk(client, "/api/v1/dossiers/", {"page_size": 4})
    codes = [row["code"] for page in pages for row in page["results"]]

    assert sorted(codes) == sorted(d.code for d in desk["ours"] + desk["taken_in"])
    assert len(codes) == len(set(codes)) == 13


def test_counter_worklist_pages_through_both_halves_in_due_order(desk):
    counter = UserFactory(role=Role.COUNTER_OFFICER, office=desk["hanoi"])
    expected = [
        d.pk for d in sorted(desk["ours"] + desk["taken_in"], key=lambda d: (d.due_at, d.pk))
    ]

    seen, after = [], ""
    while True:
        page = worklist(user=counter, query=WorklistQuery(tab="open", after=after), limit=4)
        seen += [d.pk for d in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor

    assert seen == expected
    assert page.counts["open"] == 13


def test_closed_tab_counts_only_up_to_a_bound(desk, monkeypatch):
    """An office's closed history has no end: past the bound the tab says "N+"."""
    from dossiers import worklist as worklist_module

    Dossier.objects.filter(pk__in=[d.pk for d in desk["ours"]]).update(state=DossierState.RETURNED)
    monkeypatch.setattr(worklist_module, "CLOSED_COUNT_CAP", 4)
    leader = UserFactory(role=Role.OFFICE_LEADER, office=desk["hanoi"])

    page = worklist(user=leader, query=WorklistQuery(tab="closed"))

    assert page.counts["closed"] == 5  # counted to one past the bound, not all 6
    assert {tab: count for tab, _label, count in page.tabs}["closed"] == "4+"
    assert len(page.rows) == 6


def test_a_dossier_without_a_competent_office_is_seen_by_the_desk_that_took_it_in(desk, catalogue):
    """`competent IS NULL` belongs to the receiving desk's half (NULL <> X is not true)."""
    loose = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.RECEIVED,
        office=desk["hanoi"],
        competent_office=None,
        created_at=START,
    )
    leader = UserFactory(role=Role.OFFICE_LEADER, office=desk["hanoi"])

    listed = _client(leader).get("/api/v1/dossiers/", {"page_size": 1}).json()

    assert [row["code"] for row in listed["results"]] == [loose.code]
    assert _client(leader).get(f"/api/v1/dossiers/{loose.code}/").status_code == 200
