"""The event trail is partitioned by month on PostgreSQL (dossiers migration 0020, issue #15).

Each event lands in its Vietnam month's partition; what no month partition takes lands in
the default one, and the beat task's `event_partitions_ensure` later gives such a month its
partition and moves the rows there, unchanged. The clock the database uses is read from the
database, so the tests hold on any day.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from dossiers.constants import DossierState, EventKind
from dossiers.models import DossierEvent
from dossiers.services.housekeeping import event_partitions_ensure
from dossiers.services.intake import event_append
from tests.dossiers.factories import make_dossier

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]


def _partition_of(event) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM dossiers_dossierevent WHERE id = %s", [event.pk]
        )
        return cursor.fetchone()[0]


def _database_now() -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def dossier(catalogue, offices):
    return make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=offices[1]
    )


def test_an_event_lands_in_its_vietnam_month_and_an_old_one_in_the_default(dossier):
    now = _database_now()
    # The last minutes of a Vietnam month are already the next month in Vietnam, whatever UTC
    # says: 16:59 UTC on the last day is 23:59 in Hanoi (same month); 17:00 is the 1st.
    with time_machine.travel(now, tick=False):
        current = event_append(dossier=dossier, kind=EventKind.OVERDUE, actor=None, reason="nay")
    with time_machine.travel("2015-06-01 09:00 +0700", tick=False):
        old = event_append(dossier=dossier, kind=EventKind.RECEIVED, actor=None, reason="cũ")

    local = now.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert _partition_of(current) == f"dossiers_dossierevent_{local:%Y}m{local:%m}"
    assert _partition_of(old) == "dossiers_dossierevent_default"
    # Read through the model as before, in order.
    assert list(dossier.events.filter(pk__in=[old.pk, current.pk])) == [old, current]


def test_a_month_without_partition_gets_one_and_its_rows_move_in(dossier):
    later = _database_now() + dt.timedelta(days=200)
    with time_machine.travel(later, tick=False):
        event = event_append(dossier=dossier, kind=EventKind.OVERDUE, actor=None, reason="sau")
    assert _partition_of(event) == "dossiers_dossierevent_default"

    made = event_partitions_ensure(months_ahead=8)

    local = later.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert made >= 1
    assert _partition_of(event) == f"dossiers_dossierevent_{local:%Y}m{local:%m}"
    moved = DossierEvent.objects.get(pk=event.pk)
    assert (moved.reason, moved.created_at, moved.dossier_id) == (
        "sau",
        event.created_at,
        dossier.pk,
    )
    # Nothing to do the second time; the guard still holds on the new partition.
    assert event_partitions_ensure(months_ahead=8) == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('vss.allow_purge', true)")
        assert cursor.fetchone()[0] == "on"  # the suite's own setting, as it was before


def test_a_dossiers_timeline_reads_only_the_months_since_it_was_created(dossier):
    # Five years of month partitions behind today.
    with connection.cursor() as cursor:
        cursor.execute("SELECT dossiers_event_partitions_ensure(now() - interval '59 months', 3)")
    with time_machine.travel(_database_now(), tick=False):
        fresh = make_dossier(
            procedure=dossier.procedure,
            state=DossierState.RECEIVED,
            office=dossier.competent_office,
        )
        event_append(dossier=fresh, kind=EventKind.OVERDUE, actor=None, reason="nay")

    everything = fresh.events.order_by("created_at", "id").explain()
    bounded = fresh.trail().order_by("created_at", "id").explain()

    assert everything.count("on dossiers_dossierevent_") >= 60
    # This month, the next three and the default one at most (plan-time pruning).
    assert bounded.count("on dossiers_dossierevent_") <= 5
    assert [e.reason for e in fresh.trail()] == [e.reason for e in fresh.events.all()]
