"""Automatic assignment by workload at offices that turn it on (issue #17)."""

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connections, transaction

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.constants import EventKind
from dossiers.models import Dossier
from dossiers.services import (
    dossier_accept,
    dossier_counter_receive,
    dossier_request_supplement,
    dossier_supply,
)
from tests.dossiers.factories import make_dossier
from tests.dossiers.test_intake_services import counter_draft, paper_lines
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=VN)


@pytest.fixture
def hn(offices):
    office = offices[1]
    office.auto_assign = True
    office.save(update_fields=["auto_assign"])
    return office


@pytest.fixture
def team(hn, offices):
    return {
        "counter": UserFactory(username="a-counter", role=Role.COUNTER_OFFICER, office=hn),
        "busy": UserFactory(username="a-busy", role=Role.PROCESSING_OFFICER, office=hn),
        "free": UserFactory(username="a-free", role=Role.PROCESSING_OFFICER, office=hn),
        "leader": UserFactory(username="a-leader", role=Role.OFFICE_LEADER, office=hn),
        "elsewhere": UserFactory(
            username="a-hcm", role=Role.PROCESSING_OFFICER, office=offices[79]
        ),
    }


def _load(officer, office, catalogue, n=1):
    for _ in range(n):
        make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.IN_PROCESSING,
            office=office,
            assigned_to=officer,
        )


def _submitted(catalogue, office):
    return make_dossier(procedure=catalogue["sickness-benefit"], state=S.SUBMITTED, office=office)


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_accepted_dossier_goes_to_the_officer_with_fewest_open_dossiers(
    catalogue, hn, team, django_assert_max_num_queries
):
    _load(team["busy"], hn, catalogue, n=2)
    _load(team["free"], hn, catalogue, n=1)
    dossier = _submitted(catalogue, hn)
    with django_assert_max_num_queries(30):
        accepted = dossier_accept(dossier=dossier, officer=team["counter"])
    assert accepted.state == S.IN_PROCESSING
    assert accepted.assigned_to == team["free"]
    event = accepted.events.filter(kind=EventKind.TRANSITION).order_by("-pk").first()
    assert event.payload["action"] == "assign"
    assert event.payload["officer_id"] == team["free"].pk
    assert accepted.handovers.filter(step="assign", received_by=team["free"]).exists()


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_ties_go_to_the_officer_assigned_least_recently(catalogue, hn, team):
    first = _submitted(catalogue, hn)
    second = _submitted(catalogue, hn)
    with time_machine.travel(MONDAY - dt.timedelta(hours=1), tick=False):
        _load(team["free"], hn, catalogue)  # free: 1 open, assigned earlier
    _load(team["busy"], hn, catalogue)  # busy: 1 open, assigned later
    Dossier.objects.filter(assigned_to=team["free"]).update(
        assigned_at=MONDAY - dt.timedelta(hours=1)
    )
    Dossier.objects.filter(assigned_to=team["busy"]).update(assigned_at=MONDAY)
    assert dossier_accept(dossier=first, officer=team["counter"]).assigned_to == team["free"]
    # Now free has 2 and busy 1: the next one goes to busy.
    assert dossier_accept(dossier=second, officer=team["counter"]).assigned_to == team["busy"]


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_absent_officer_is_skipped_until_the_day_after_absence(catalogue, hn, team):
    _load(team["busy"], hn, catalogue, n=3)
    team["free"].absent_until = MONDAY.date()
    team["free"].save(update_fields=["absent_until"])
    dossier = _submitted(catalogue, hn)
    assert dossier_accept(dossier=dossier, officer=team["counter"]).assigned_to == team["busy"]
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        later = _submitted(catalogue, hn)
        assert dossier_accept(dossier=later, officer=team["counter"]).assigned_to == team["free"]


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_setting_off_leaves_the_dossier_received_and_unassigned(catalogue, hn, team):
    hn.auto_assign = False
    hn.save(update_fields=["auto_assign"])
    accepted = dossier_accept(dossier=_submitted(catalogue, hn), officer=team["counter"])
    assert accepted.state == S.RECEIVED
    assert accepted.assigned_to is None


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_nobody_present_leaves_it_unassigned_and_tells_the_leader(
    catalogue, hn, team, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    for officer in (team["busy"], team["free"]):
        officer.absent_until = MONDAY.date() + dt.timedelta(days=3)
        officer.save(update_fields=["absent_until"])
    with django_capture_on_commit_callbacks(execute=True):
        accepted = dossier_accept(dossier=_submitted(catalogue, hn), officer=team["counter"])
    assert accepted.state == S.RECEIVED
    assert accepted.assigned_to is None  # never the other office's officer
    assert Notification.objects.filter(recipient=team["leader"], event__dossier=accepted).exists()


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_walk_in_received_at_the_counter_is_assigned(catalogue, hn, team):
    dossier = counter_draft(catalogue, team["counter"], "maternity-benefit-direct", province=1)
    received = dossier_counter_receive(
        dossier=dossier, officer=team["counter"], receipts=paper_lines(dossier)
    )
    assert received.state == S.IN_PROCESSING
    assert received.assigned_to in (team["busy"], team["free"])
    assert received.code  # the reception itself is unchanged


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_supplement_back_to_received_without_officer_is_assigned(catalogue, hn, team):
    hn.auto_assign = False
    hn.save(update_fields=["auto_assign"])
    accepted = dossier_accept(dossier=_submitted(catalogue, hn), officer=team["counter"])
    asked = dossier_request_supplement(
        dossier=accepted, actor=team["counter"], reason="Thiếu", items=["Giấy ra viện"]
    )
    hn.auto_assign = True
    hn.save(update_fields=["auto_assign"])
    supplied = dossier_supply(dossier=asked, actor=team["counter"])
    assert supplied.state == S.IN_PROCESSING
    assert supplied.assigned_to in (team["busy"], team["free"])


RECEPTIONS = 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real row-lock race needs PostgreSQL; CI runs it there",
)
def test_ten_concurrent_receptions_spread_five_and_five(catalogue, hn, team):
    # Two procedures, so the version row `_lock` also locks does not serialise them all.
    procedures = [catalogue["sickness-benefit"], catalogue["maternity-benefit-direct"]]
    dossiers = [
        make_dossier(procedure=procedures[n % 2], state=S.SUBMITTED, office=hn)
        for n in range(RECEPTIONS)
    ]
    barrier = threading.Barrier(RECEPTIONS)
    errors = []

    def accept(dossier):
        try:
            barrier.wait(timeout=30)
            dossier_accept(dossier=dossier, officer=team["counter"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(d,)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = {
        officer: Dossier.objects.filter(assigned_to=team[officer]).count()
        for officer in ("busy", "free", "elsewhere")
    }
    assert counts == {"busy": 5, "free": 5, "elsewhere": 0}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real row-lock race needs PostgreSQL; CI runs it there",
)
def test_a_reception_waits_for_one_in_flight_and_counts_it(catalogue, hn, team):
    """While one reception's assignment is not yet committed, a second one at the same office
    waits for it instead of reading the stale loads (both officers have none): it goes to the
    other officer."""
    # Two procedures: `_lock` also locks the dossier's version row (select_related), which
    # would serialise two dossiers of one version whatever the assignment does.
    first = _submitted(catalogue, hn)
    second = make_dossier(
        procedure=catalogue["maternity-benefit-direct"], state=S.SUBMITTED, office=hn
    )
    in_flight, release = threading.Event(), threading.Event()
    assigned, errors = {}, []

    def hold_first():
        try:
            with transaction.atomic():
                assigned["first"] = dossier_accept(
                    dossier=first, officer=team["counter"]
                ).assigned_to_id
                in_flight.set()
                release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            in_flight.set()
            connections.close_all()

    def accept_second():
        try:
            in_flight.wait(timeout=30)
            assigned["second"] = dossier_accept(
                dossier=second, officer=team["counter"]
            ).assigned_to_id
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold_first), threading.Thread(target=accept_second)]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the second reception is now waiting for the first to commit
    assert "second" not in assigned
    release.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {assigned["first"], assigned["second"]} == {team["busy"].pk, team["free"].pk}
