"""Two officers pressing "call next" at the same moment never get the same ticket (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from queues.models import Ticket
from queues.services import ticket_call_next, ticket_issue
from tests.factories import UserFactory
from tests.queues.conftest import make_counter

OFFICERS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SKIP LOCKED needs PostgreSQL; CI runs it there",
)
def test_simultaneous_call_next_gives_each_officer_a_different_ticket(offices, groups):
    office = offices[1]
    group = groups["benefits"]
    for _ in range(OFFICERS):
        ticket_issue(office=office, group=group)
    counters = [
        make_counter(
            office,
            number,
            [group],
            UserFactory(counter_officer=True, office=office, username=f"race{number}"),
        )
        for number in range(1, OFFICERS + 1)
    ]
    barrier = threading.Barrier(OFFICERS)
    called, errors = [], []

    def press(counter):
        try:
            barrier.wait(timeout=30)
            called.append(ticket_call_next(counter=counter, officer=counter.officer).pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(counter,)) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(called) == OFFICERS == len(set(called))
    assert set(Ticket.objects.values_list("state", flat=True)) == {"called"}
    served = Ticket.objects.values_list("counter__number", flat=True)
    assert sorted(served) == list(range(1, OFFICERS + 1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real write race needs PostgreSQL",
)
def test_simultaneous_kiosks_get_distinct_consecutive_numbers(offices, groups):
    office = offices[1]
    barrier = threading.Barrier(OFFICERS)
    errors = []

    def take():
        try:
            barrier.wait(timeout=30)
            ticket_issue(office=office, group=groups["health-insurance"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(OFFICERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1001, 1001 + OFFICERS))
