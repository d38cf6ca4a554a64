"""The monthly summary: the same figures as the daily rows, whatever the period's shape."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.urls import reverse

from dashboards.models import DailyRollup, MonthlyOfficeHistogram, MonthlyRollup
from dashboards.selectors.figures import processing_histogram, rollup_totals
from dashboards.selectors.scope import NATIONAL, Filters, Scope
from dashboards.selectors.summary import period_parts
from dashboards.selectors.trends import monthly_trend, office_ranking
from dashboards.services import COUNTER_FIELDS, daily_rollup_refresh, merge_histograms
from tests.two_factor import SECOND_FACTOR_QUERIES

from .conftest import NOVEMBER_QUERY

D = dt.date
TODAY = D(2026, 12, 1)  # the dashboard tests' clock


@pytest.mark.parametrize(
    ("start", "end", "months", "days"),
    [
        # "This month" (to today), "last month", "this year" (to today): whole months only.
        (D(2026, 12, 1), TODAY, (D(2026, 12, 1), D(2026, 12, 1)), ()),
        (D(2026, 11, 1), D(2026, 11, 30), (D(2026, 11, 1), D(2026, 11, 1)), ()),
        (D(2026, 1, 1), TODAY, (D(2026, 1, 1), D(2026, 12, 1)), ()),
        # A custom period: whole months inside, days at its edges.
        (
            D(2026, 9, 15),
            D(2026, 11, 10),
            (D(2026, 10, 1), D(2026, 10, 1)),
            ((D(2026, 9, 15), D(2026, 9, 30)), (D(2026, 11, 1), D(2026, 11, 10))),
        ),
        (D(2026, 11, 3), D(2026, 11, 20), None, ((D(2026, 11, 3), D(2026, 11, 20)),)),
    ],
)
def test_period_parts(start, end, months, days):
    parts = period_parts(start, end, today=TODAY)
    assert parts.months == months
    assert parts.days == days


def _daily_sums(start, end) -> dict:
    rows = DailyRollup.objects.filter(day__gte=start, day__lte=end)
    return rows.aggregate(**{name: Sum(name) for name in COUNTER_FIELDS})


@pytest.mark.django_db
def test_monthly_rows_are_the_sum_of_the_daily_rows(rolled_up):
    for month in (D(2026, 10, 1), D(2026, 11, 1)):
        monthly = MonthlyRollup.objects.filter(month=month).aggregate(
            **{name: Sum(name) for name in COUNTER_FIELDS}
        )
        end = D(2026, month.month, 31 if month.month == 10 else 30)
        assert monthly == _daily_sums(month, end)
    november = {}
    for histogram in DailyRollup.objects.filter(day__month=11).values_list(
        "processing_histogram", flat=True
    ):
        merge_histograms(november, histogram)
    monthly = {}
    for histogram in MonthlyRollup.objects.filter(month=D(2026, 11, 1)).values_list(
        "processing_histogram", flat=True
    ):
        merge_histograms(monthly, histogram)
    assert november
    assert monthly == november
    per_office = {}
    for histogram in MonthlyOfficeHistogram.objects.filter(month=D(2026, 11, 1)).values_list(
        "processing_histogram", flat=True
    ):
        merge_histograms(per_office, histogram)
    assert per_office == november


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [(D(2026, 10, 20), D(2026, 11, 30)), (D(2026, 11, 4), D(2026, 11, 9)), (D(2026, 10, 1), TODAY)],
)
def test_figures_match_the_daily_rows_for_any_period(rolled_up, start, end):
    scope, filters = Scope(level=NATIONAL), Filters(start=start, end=end)
    totals = rollup_totals(scope=scope, filters=filters)
    expected = _daily_sums(start, end)
    for name in ("received", "returned", "returned_late", "rated", "processing_count"):
        assert totals[name] == (expected[name] or 0), name
    daily = {}
    for histogram in DailyRollup.objects.filter(day__gte=start, day__lte=end).values_list(
        "processing_histogram", flat=True
    ):
        merge_histograms(daily, histogram)
    assert processing_histogram(scope=scope, filters=filters) == daily
    online = Filters(start=start, end=end, channel="online")
    daily_online = {}
    for histogram in DailyRollup.objects.filter(
        day__gte=start, day__lte=end, channel="online"
    ).values_list("processing_histogram", flat=True):
        merge_histograms(daily_online, histogram)
    assert processing_histogram(scope=scope, filters=online) == daily_online
    ranking = office_ranking(scope=scope, filters=filters)
    assert sum(rank.received for rank in ranking) == (expected["received"] or 0)


@pytest.mark.django_db
def test_a_refreshed_office_slice_updates_its_month(rolled_up, offices):
    november = Filters(start=D(2026, 11, 1), end=D(2026, 11, 30))
    scope = Scope(level=NATIONAL)
    before = rollup_totals(scope=scope, filters=november)["received"]
    assert before > 0
    # The rows vanish from the daily table (as if the dossiers were gone) for one office.
    office_id = DailyRollup.objects.filter(day__month=11, received__gt=0).values_list(
        "competent_office_id", flat=True
    )[0]
    lost = DailyRollup.objects.filter(day__month=11, competent_office_id=office_id).aggregate(
        n=Sum("received")
    )["n"]
    day = DailyRollup.objects.filter(
        day__month=11, competent_office_id=office_id, received__gt=0
    ).values_list("day", flat=True)[0]
    DailyRollup.objects.filter(day__month=11, competent_office_id=office_id).exclude(
        day=day
    ).delete()
    daily_rollup_refresh(day=day, office_id=office_id)  # rebuilds that office's November
    kept = DailyRollup.objects.filter(day=day, competent_office_id=office_id).aggregate(
        n=Sum("received")
    )["n"]
    after = rollup_totals(scope=scope, filters=november)["received"]
    assert after == before - lost + kept
    trend = monthly_trend(scope=scope, filters=november)
    assert trend[-1].received == after


# --- Query budgets: none grows with history -------------------------------------------------


@pytest.mark.django_db
def test_query_budget_of_page_exports_and_open_data(
    client, rolled_up, supervisor, django_assert_max_num_queries
):
    client.force_login(supervisor)
    client.get(reverse("dashboards:index"))  # sessions, targets and caches warm
    # The counter-wait figures add two aggregate queries on the queue's tickets (issue #19).
    budgets = {
        reverse("dashboards:index"): 22,
        reverse("dashboards:export_csv"): 12,
        reverse("dashboards:export_xlsx"): 22,
    }
    for url, budget in budgets.items():
        for query in (NOVEMBER_QUERY, "start=2026-10-20&end=2026-11-30"):
            with django_assert_max_num_queries(budget + SECOND_FACTOR_QUERIES):
                assert client.get(f"{url}?{query}").status_code == 200
    client.logout()
    for name in ("dashboards:open_data", "dashboards:open_data_csv", "dashboards_api:open_data"):
        with django_assert_max_num_queries(4):
            assert client.get(reverse(name), {"year": 2026}).status_code == 200


@pytest.mark.django_db
def test_a_dossier_is_marked_by_its_id_as_an_outbox_handler_would(rolled_up, offices):
    from dashboards.models import RollupDirtyDay
    from dashboards.services import rollups_mark_dossier

    assert rollups_mark_dossier(dossier_id=rolled_up["d2"].pk) == 2
    assert set(RollupDirtyDay.objects.values_list("day", "competent_office_id")) == {
        (D(2026, 11, 2), offices[1].pk),
        (D(2026, 11, 5), offices[1].pk),
    }
    assert rollups_mark_dossier(dossier_id=10**9) == 0  # gone since: nothing to mark
