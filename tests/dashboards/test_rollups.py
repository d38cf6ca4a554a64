"""The daily rollups: exact rows, idempotent refresh, the dirty-day queue, task and command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import DailyRollup, RollupDay, RollupDirtyDay
from dashboards.selectors import Filters, Scope, dashboard_figures
from dashboards.services import (
    daily_rollup_refresh,
    histogram_bucket,
    rollup_days_of,
    rollups_mark_dossier,
)
from dashboards.tasks import rollups_refresh, rollups_refresh_recent
from dossiers.models import Dossier

from .conftest import NOVEMBER, at

pytestmark = pytest.mark.django_db


def _rows(day):
    return {
        (r.competent_office_id, r.receiving_office_id, r.procedure_id, r.channel): r
        for r in DailyRollup.objects.filter(day=day)
    }


def test_a_day_is_rolled_up_by_key_with_each_count_dated_by_its_own_event(
    dataset, offices, catalogue
):
    hn, hcm = offices[1].pk, offices[79].pk
    sickness = catalogue["sickness-benefit"].pk

    assert daily_rollup_refresh(day=dt.date(2026, 11, 2)) == 3

    rows = _rows(dt.date(2026, 11, 2))
    assert set(rows) == {
        (hn, hn, sickness, "online"),  # d1 received; d7 decided and returned
        (hn, hn, sickness, "counter"),  # d2 received
        (hcm, hcm, sickness, "online"),  # d5 received
    }
    online = rows[(hn, hn, sickness, "online")]
    assert (online.received, online.received_digitised, online.decided, online.returned) == (
        1,
        1,
        1,
        1,
    )
    assert (online.returned_on_time, online.returned_early, online.returned_late) == (1, 0, 0)
    assert (online.returned_signed, online.paid_non_cash, online.paid_cash) == (0, 1, 0)
    assert online.processing_count == 1
    assert online.processing_days_sum == pytest.approx(2.0)  # Fri 30/10 08:00 → Mon 2/11 17:00
    assert online.processing_histogram == {"2.0": 1}
    assert (online.province_code, online.boundary_eligible) == (1, True)
    counter = rows[(hn, hn, sickness, "counter")]
    assert (counter.received, counter.decided, counter.returned) == (1, 0, 0)


def test_cross_boundary_and_ineligible_procedures(
    dataset, offices, base_office, catalogue, inspection_procedure
):
    daily_rollup_refresh(day=dt.date(2026, 11, 3))
    daily_rollup_refresh(day=dt.date(2026, 11, 4))
    ivan = _rows(dt.date(2026, 11, 3))[
        (offices[1].pk, base_office.pk, catalogue["sickness-benefit"].pk, "ivan")
    ]
    assert (ivan.received, ivan.received_cross_boundary) == (1, 1)
    inspection = _rows(dt.date(2026, 11, 4))[
        (offices[1].pk, offices[1].pk, inspection_procedure.pk, "counter")
    ]
    assert (inspection.received, inspection.boundary_eligible) == (1, False)


def test_refresh_is_idempotent_and_replaces_the_days_rows(dataset):
    day = dt.date(2026, 11, 2)
    daily_rollup_refresh(day=day)
    first = sorted(DailyRollup.objects.filter(day=day).values_list("channel", "received"))
    assert daily_rollup_refresh(day=day) == 3
    assert sorted(DailyRollup.objects.filter(day=day).values_list("channel", "received")) == first
    assert DailyRollup.objects.count() == 3
    marker = RollupDay.objects.get(day=day)
    assert (marker.rows, marker.refreshed_at is not None) == (3, True)


def test_days_are_local_dates(dataset, offices, catalogue):
    # 00:30 on 12 November in Hà Nội is 17:30 UTC on the 11th: it belongs to the 12th.
    from tests.dossiers.factories import make_dossier

    make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="received",
        office=offices[79],
        received_at=at(11, 12, 0, 30),
    )
    daily_rollup_refresh(day=dt.date(2026, 11, 11))
    daily_rollup_refresh(day=dt.date(2026, 11, 12))
    received = dict(
        DailyRollup.objects.filter(province_code=79)
        .values("day")
        .annotate(n=Sum("received"))
        .values_list("day", "n")
    )
    assert received == {dt.date(2026, 11, 12): 1}


def test_days_of_a_dossier_and_the_dirty_queue(rolled_up):
    d4 = rolled_up["d4"]
    assert rollup_days_of(rolled_up["d3"]) == {
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 6),
        dt.date(2026, 11, 9),
    }
    scope, filters = Scope(level="national"), Filters(start=NOVEMBER[0], end=NOVEMBER[1])
    assert dashboard_figures(scope=scope, filters=filters).figure("digitised").numerator == 3

    # d4 is digitised days after its reception: the rollup of its reception day is stale
    # until the day is marked and the periodic task runs.
    Dossier.objects.filter(pk=d4.pk).update(fully_digitised_at=timezone.now())
    d4.refresh_from_db()
    assert rollups_mark_dossier(dossier=d4) == 1
    assert dashboard_figures(scope=scope, filters=filters).figure("digitised").numerator == 3

    rollups_refresh.delay()

    assert dashboard_figures(scope=scope, filters=filters).figure("digitised").numerator == 4
    assert not RollupDirtyDay.objects.exists()


def test_a_dossiers_marker_recomputes_only_its_offices_slice(rolled_up, offices):
    day = dt.date(2026, 11, 2)
    Dossier.objects.filter(pk=rolled_up["d2"].pk).update(fully_digitised_at=at(11, 2, 9))
    Dossier.objects.filter(pk=rolled_up["d5"].pk).update(fully_digitised_at=None)  # HCM
    rollups_mark_dossier(dossier=Dossier.objects.get(pk=rolled_up["d2"].pk))
    assert set(RollupDirtyDay.objects.values_list("day", "competent_office_id")) == {
        (day, offices[1].pk),
        (dt.date(2026, 11, 5), offices[1].pk),
    }

    rollups_refresh.delay()

    def digitised(province):
        return DailyRollup.objects.filter(day=day, province_code=province).aggregate(
            n=Sum("received_digitised")
        )["n"]

    assert digitised(1) == 2  # d1 and now d2
    assert digitised(79) == 1  # HCM's slice was not recomputed: d5 still counted
    assert not RollupDirtyDay.objects.exists()
    daily_rollup_refresh(day=day)  # the nightly whole-day refresh catches the rest
    assert digitised(79) == 0


def test_markers_queued_during_a_refresh_survive_it(dataset, monkeypatch):
    from dashboards import services

    day = dt.date(2026, 11, 2)
    seen = RollupDirtyDay.objects.create(day=day)
    other_day = RollupDirtyDay.objects.create(day=dt.date(2026, 11, 3))
    compute = services._compute_day

    def compute_while_a_transition_marks_the_day(d, office_id=None):
        rows = compute(d, office_id)
        RollupDirtyDay.objects.create(day=day)  # a change committed while computing
        return rows

    monkeypatch.setattr(services, "_compute_day", compute_while_a_transition_marks_the_day)
    daily_rollup_refresh(day=day)

    left = list(RollupDirtyDay.objects.order_by("pk").values_list("pk", "day"))
    assert left[0] == (other_day.pk, dt.date(2026, 11, 3))
    assert [d for _, d in left[1:]] == [day]  # the newer marker stays for the next run
    assert seen.pk not in [pk for pk, _ in left]


def test_task_with_explicit_days(dataset):
    # 3 rows on 2/11 (see above); on 3/11 d3 received, d1 decided, d5 decided and returned.
    assert rollups_refresh.delay(days=["2026-11-02", "2026-11-03"]).get() == 6
    assert set(RollupDay.objects.values_list("day", flat=True)) == {
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 3),
    }


def test_recent_task_queues_one_refresh_per_day(dataset):
    assert rollups_refresh_recent.delay(last=3).get() == 3
    today = timezone.localdate()
    assert set(RollupDay.objects.values_list("day", flat=True)) == {
        today - dt.timedelta(days=n) for n in range(3)
    }


def test_management_command(dataset):
    out = StringIO()
    call_command("rollups_refresh", "--since", "2026-11-01", "--until", "2026-11-10", stdout=out)
    assert "Refreshed 10 day(s)" in out.getvalue()
    RollupDirtyDay.objects.create(day=dt.date(2026, 11, 2))
    call_command("rollups_refresh", "--dirty", stdout=out)
    assert not RollupDirtyDay.objects.exists()
    assert DailyRollup.objects.aggregate(n=Sum("received"))["n"] == 7  # d1-d6, d10
    with pytest.raises(CommandError):
        call_command("rollups_refresh")
    with pytest.raises(CommandError):
        call_command("rollups_refresh", "--day", "2026-13-01")


def test_histogram_bucket_rounds_half_up_to_a_tenth():
    assert histogram_bucket(2.0) == "2.0"
    assert histogram_bucket(2.9999999) == "3.0"
    assert histogram_bucket(0.25) == "0.3"
    assert histogram_bucket(4.04) == "4.0"


def test_refreshing_a_busy_day_costs_the_same_queries_as_a_quiet_one(
    dataset, offices, catalogue, django_assert_max_num_queries
):
    """The processing time of every returned dossier comes from one preloaded calendar."""
    from workdays.constants import OverrideKind
    from workdays.models import CalendarOverride

    from .conftest import _returned

    day = dt.date(2026, 11, 2)
    with CaptureQueriesContext(connection) as quiet:
        daily_rollup_refresh(day=day)
    for hour in range(9, 15):
        _returned(
            catalogue["sickness-benefit"],
            offices[1],
            channel="online",
            received=at(10, 20, hour),
            decided=at(11, 2, 9),
            returned=at(11, 2, hour),
            timeliness="on_time",
            payment="bank_transfer",
        )
    # A make-up working day inside the span is honoured from the preloaded calendar.
    CalendarOverride.objects.create(date=dt.date(2026, 10, 31), kind=OverrideKind.WORKING_DAY)

    with django_assert_max_num_queries(len(quiet.captured_queries)):
        daily_rollup_refresh(day=day)

    busy = DailyRollup.objects.filter(day=day, processing_count__gt=1).get()
    assert busy.processing_count == 7
    # Each new one: Tue 20/10 → Mon 2/11 at the same hour is 9 working days, plus Saturday
    # 31/10 made a working day; the dataset's own dossier (Fri 30/10 08:00 → Mon 2/11 17:00)
    # now spans that Saturday too: 3.0.
    assert busy.processing_days_sum == pytest.approx(3.0 + 6 * 10.0)
