"""The dashboard's wait figures on a known day at one office, checked to the second."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from dashboards.selectors.figures import dashboard_figures
from dashboards.selectors.scope import NATIONAL, Filters, Scope
from queues.constants import Priority, TicketSource
from queues.services import (
    ticket_call_next,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
)
from queues.statistics import wait_by_office_day_group, wait_summary
from tests.factories import UserFactory
from tests.queues.conftest import make_counter

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 23)

pytestmark = pytest.mark.django_db


def at(hms: str) -> dt.datetime:
    hour, minute, second = (int(part) for part in hms.split(":"))
    return dt.datetime.combine(DAY, dt.time(hour, minute, second), tzinfo=HCM)


@pytest.fixture
def scenario(office, groups):
    def officer(name):
        return UserFactory(counter_officer=True, office=office, username=name)

    a = make_counter(office, 1, [groups["benefits"]], officer("a"))
    b = make_counter(office, 2, [groups["health-insurance"]], officer("b"))
    c = make_counter(office, 3, [groups["collection"]], officer("c"))

    def issue(when, group, **extra):
        with time_machine.travel(at(when), tick=False):
            return ticket_issue(office=office, group=groups[group], **extra)

    def call(when, counter):
        with time_machine.travel(at(when), tick=False):
            return ticket_call_next(counter=counter, officer=counter.officer)

    issue("08:00:00", "benefits")  # called 08:05:30: waited 330 s
    issue("08:01:00", "benefits")  # called 08:20:15: waited 1155 s (over 15 minutes)
    issue("08:02:00", "health-insurance", priority=Priority.ELDERLY)  # called 08:02:45: 45 s
    call("08:02:45", b)
    issue("08:03:00", "health-insurance")  # called 08:10:00 (420 s), did not come
    call("08:05:30", a)
    no_show = call("08:10:00", b)
    for when in ("08:11:00", "08:12:00", "08:13:00"):
        with time_machine.travel(at(when), tick=False):
            if when == "08:13:00":
                ticket_no_show(ticket=no_show, officer=b.officer)
            else:
                ticket_recall(ticket=no_show, officer=b.officer)
    call("08:20:15", a)
    # Checked in 20 minutes early for 09:00, called 09:03:20: 200 s from its time, punctual.
    issue("08:40:00", "collection", source=TicketSource.APPOINTMENT, due_at=at("09:00:00"))
    call("09:03:20", c)
    # Came 5 minutes late for 09:30, called 09:45:00: 600 s from arrival, not punctual.
    issue("09:35:00", "collection", source=TicketSource.APPOINTMENT, due_at=at("09:30:00"))
    call("09:45:00", c)
    issue("09:50:00", "benefits")  # still waiting: not counted
    return office


def test_wait_figures_of_a_known_day_to_the_second(scenario):
    summary = wait_summary(start=DAY, end=DAY, office_id=scenario.pk)
    # Waits: 45, 200, 330, 420, 600, 1155 seconds.
    assert summary.visitors == 6
    assert summary.within_target == 5
    assert summary.median_seconds == 330
    assert summary.p90_seconds == 1155
    assert summary.no_shows == 1
    assert (summary.appointments, summary.appointments_punctual) == (2, 1)
    # The estimates printed (5 minutes per person ahead, no history yet) against the waits.
    assert summary.estimate_error_median_seconds is not None

    per_group = {
        row["group__code"]: (row["summary"].visitors, row["summary"].median_seconds)
        for row in wait_by_office_day_group(start=DAY, end=DAY, office_id=scenario.pk)
    }
    assert per_group == {
        "benefits": (2, 330),
        "collection": (2, 200),
        "health-insurance": (2, 45),
    }
    assert (
        wait_summary(start=DAY + dt.timedelta(days=1), end=DAY + dt.timedelta(days=1)).visitors == 0
    )


def test_dashboard_shows_the_measured_wait_against_the_15_minute_target(scenario):
    with time_machine.travel(at("18:00:00"), tick=False):
        dashboard = dashboard_figures(
            scope=Scope(level=NATIONAL), filters=Filters(start=DAY, end=DAY, office_id=scenario.pk)
        )
    wait = dashboard.figure("wait_time")
    assert (wait.value, wait.status, wait.denominator) == (19.3, "off", 6)  # 1155 s
    median = dashboard.figure("wait_median")
    assert (median.value, median.status) == (5.5, "on")  # 330 s
    within = dashboard.figure("called_within_target")
    assert (within.value, within.numerator, within.denominator) == (83.3, 5, 6)
    assert dashboard.figure("no_shows").value == 1
    assert dashboard.figure("appointments_punctual").value == 50.0
