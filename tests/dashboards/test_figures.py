"""Each dashboard figure on the known data set (conftest.py), with exact expected numbers."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from dashboards.constants import Status
from dashboards.selectors import Filters, Scope, dashboard_figures
from dashboards.selectors.figures import nearest_rank_percentile, share
from dashboards.selectors.scope import NATIONAL, OFFICE, PROVINCE

from .conftest import NOVEMBER, TZ

pytestmark = pytest.mark.django_db

NATIONAL_SCOPE = Scope(level=NATIONAL)


@pytest.fixture(autouse=True)
def _english():
    """The figures' notes are asserted in English (the UI default is Vietnamese)."""
    with translation.override("en"):
        yield


def _figures(scope=NATIONAL_SCOPE, **filters):
    start, end = filters.pop("period", NOVEMBER)
    return dashboard_figures(scope=scope, filters=Filters(start=start, end=end, **filters))


def _summary(dashboard, *keys):
    return {
        key: (
            dashboard.figure(key).value,
            dashboard.figure(key).numerator,
            dashboard.figure(key).denominator,
            dashboard.figure(key).status,
        )
        for key in keys
    }


def test_volume_figures(rolled_up):
    dashboard = _figures()
    assert dashboard.figure("received").value == 7  # d1-d6, d10 (d7, d9 in October)
    assert dashboard.figure("processed").value == 6  # d1, d2, d3, d5, d7, d10
    assert dashboard.figure("returned").value == 5  # d1, d2, d3, d5, d7
    assert dashboard.figure("overdue_now").value == 2  # d4, d10


def test_timeliness_figures(rolled_up):
    dashboard = _figures()
    assert _summary(dashboard, "on_time_rate", "early", "on_time", "late", "late_apologised") == {
        "on_time_rate": (80.0, 4, 5, Status.OFF_TARGET),  # statutory target 100%
        "early": (20.0, 1, 5, Status.NO_TARGET),
        "on_time": (60.0, 3, 5, Status.NO_TARGET),
        "late": (20.0, 1, 5, Status.NO_TARGET),
        # d3: late against its statutory date, returned by the date its apology gave.
        "late_apologised": (20.0, 1, 5, Status.NO_TARGET),
    }
    # 3 + 4 + 5 + 2 + 2 working days over 5 results; nearest-rank p90 of 5 values is the 5th.
    assert dashboard.figure("processing_average").value == 3.2
    assert dashboard.figure("processing_p90").value == 5.0
    assert dashboard.figure("processing_p90").denominator == 5


def test_channel_figures(rolled_up):
    dashboard = _figures()
    assert _summary(
        dashboard,
        "electronic_share",
        "channel_online",
        "channel_counter",
        "channel_post",
        "channel_ivan",
    ) == {
        # online d1 d5 d10 + I-VAN d3 = 4 of 7 = 57.14...% shown truncated to 57.1%.
        "electronic_share": (57.1, 4, 7, Status.OFF_TARGET),
        "channel_online": (42.8, 3, 7, Status.NO_TARGET),
        "channel_counter": (28.5, 2, 7, Status.NO_TARGET),
        "channel_post": (14.2, 1, 7, Status.NO_TARGET),
        "channel_ivan": (14.2, 1, 7, Status.NO_TARGET),
    }


def test_one_stop_shop_figures(rolled_up):
    dashboard = _figures()
    assert _summary(
        dashboard,
        "boundary_free_procedures",
        "received_outside_residence",
        "digitised",
        "signed",
    ) == {
        # 17 of the 18 published procedures can be filed online and at any counter; the
        # demo procedure needs a field inspection and has no online channel.
        "boundary_free_procedures": (95.0, 19, 20, Status.OFF_TARGET),
        # d10 (online to HN, applicant living in HCM) of the 7 received; d3, received at a
        # base office of the competent province, is not outside any province.
        "received_outside_residence": (14.2, 1, 7, Status.NO_TARGET),
        "digitised": (42.8, 3, 7, Status.OFF_TARGET),  # d1, d5, d6
        "signed": (60.0, 3, 5, Status.OFF_TARGET),  # d1, d3, d5 of the 5 returned
    }
    assert dashboard.figure("boundary_free_procedures").counts == "procedures"


def test_boundary_free_share_is_read_from_the_catalogue(catalogue, inspection_procedure):
    from procedures.models import Procedure

    # No dossier at all: the share of procedures is still known (the 19 procedures of the
    # catalogue and one that needs a field inspection), and on target once every published
    # procedure can be filed online and at any counter.
    figure = _figures().figure("boundary_free_procedures")
    assert (figure.numerator, figure.denominator) == (19, 20)
    Procedure.objects.filter(slug="coverage-certificate").update(channels=["counter", "post"])
    figure = _figures().figure("boundary_free_procedures")
    assert (figure.value, figure.numerator, figure.denominator) == (90.0, 18, 20)
    Procedure.objects.filter(slug="coverage-certificate").update(channels=["online", "counter"])
    inspection_procedure.is_published = False
    inspection_procedure.save(update_fields=["is_published"])
    figure = _figures().figure("boundary_free_procedures")
    assert (figure.value, figure.status) == (100.0, Status.ON_TARGET)
    # A chosen procedure narrows the figure to that procedure.
    sickness = catalogue["sickness-benefit"]
    figure = _figures(procedure_id=sickness.pk).figure("boundary_free_procedures")
    assert (figure.numerator, figure.denominator) == (1, 1)


def test_non_cash_share_leaves_out_payments_through_employers(rolled_up):
    dashboard = _figures()
    # d1, d5, d7 to a bank account, d2 in cash; d3 through the employer is not counted.
    assert _summary(dashboard, "non_cash") == {"non_cash": (75.0, 3, 4, Status.ON_TARGET)}
    assert "1 paid through employers" in str(dashboard.figure("non_cash").note)


def test_satisfaction_figures_from_ratings(rolled_up):
    dashboard = _figures()
    # d1 (5) and d5 (4) are satisfied; d2 (3) and d7 (2) are not.
    assert _summary(dashboard, "satisfied") == {"satisfied": (50.0, 2, 4, Status.OFF_TARGET)}
    assert dashboard.figure("average_score").value == 3.5  # (5 + 3 + 4 + 2) / 4
    criteria = {
        key: dashboard.figure(key).value
        for key in (
            "criterion_timeliness",
            "criterion_attitude",
            "criterion_guidance",
            "criterion_trips",
        )
    }
    assert criteria == {
        "criterion_timeliness": 3.0,  # (5 + 2 + 4 + 1) / 4
        "criterion_attitude": 4.0,  # (4 + 4 + 5 + 3) / 4
        "criterion_guidance": 3.5,  # (5 + 3 + 4 + 2) / 4
        "criterion_trips": 1.8,  # (1 + 2 + 1 + 3) / 4 = 1.75, half up
    }
    hanoi = _figures(province_code=1)
    assert _summary(hanoi, "satisfied") == {"satisfied": (33.3, 1, 3, Status.OFF_TARGET)}
    hcm = _figures(province_code=79)
    assert _summary(hcm, "satisfied") == {"satisfied": (100.0, 1, 1, Status.ON_TARGET)}


def test_without_ratings_or_tickets_satisfaction_and_wait_time_are_no_data(rolled_up):
    dashboard = _figures(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    for key in ("satisfied", "average_score", "criterion_timeliness", "criterion_trips"):
        assert dashboard.figure(key).value is None
        assert dashboard.figure(key).status == Status.NO_DATA
    assert dashboard.figure("satisfied").target.value == 90
    wait = _figures().figure("wait_time")
    assert (wait.value, wait.status, wait.target.value) == (None, Status.NO_DATA, 15)


def test_filters_by_province_office_procedure_and_channel(rolled_up, offices, catalogue):
    hanoi = _figures(province_code=1)
    assert (hanoi.figure("received").value, hanoi.figure("returned").value) == (6, 4)
    assert hanoi.figure("on_time_rate").value == 75.0  # d1 early, d2 d7 on time, d3 late
    assert hanoi.figure("overdue_now").value == 2

    hcm_office = _figures(office_id=offices[79].pk)
    assert _summary(hcm_office, "received", "on_time_rate", "overdue_now") == {
        "received": (1, None, None, Status.NO_TARGET),
        "on_time_rate": (100.0, 1, 1, Status.ON_TARGET),
        "overdue_now": (0, None, None, Status.NO_TARGET),
    }

    hi_card = _figures(procedure_id=catalogue["hi-card-reissue-exchange"].pk)
    assert (hi_card.figure("received").value, hi_card.figure("overdue_now").value) == (1, 1)
    assert hi_card.figure("on_time_rate").status == Status.NO_DATA

    counter = _figures(channel="counter")
    assert (counter.figure("received").value, counter.figure("returned").value) == (2, 1)


def test_period_moves_the_figures(rolled_up):
    october = _figures(period=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    assert october.figure("received").value == 2  # d7, d9
    assert october.figure("returned").value == 0
    assert october.figure("overdue_now").value == 2  # "now", whatever the period
    first_week = _figures(period=(dt.date(2026, 11, 2), dt.date(2026, 11, 8)))
    assert first_week.figure("returned").value == 4  # d7 2/11, d5 3/11, d1 4/11, d2 5/11


def test_scopes_cover_only_their_offices(rolled_up, offices, base_office):
    province = _figures(scope=Scope(level=PROVINCE, province_code=79))
    assert province.figure("received").value == 1
    # A province filter outside the scope cannot widen it.
    assert (
        _figures(scope=Scope(level=PROVINCE, province_code=79), province_code=1)
        .figure("received")
        .value
        == 0
    )
    office = Scope(level=OFFICE, province_code=1, office_id=offices[1].pk)
    assert _figures(scope=office).figure("received").value == 6
    # d3 was received at the base office, but its competent office is HN: not the base's.
    base = Scope(level=OFFICE, province_code=1, office_id=base_office.pk)
    assert _figures(scope=base).figure("received").value == 0
    assert _figures(scope=base).figure("overdue_now").value == 0


def test_figures_of_a_period_without_rollups_are_no_data(dataset):
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, tzinfo=TZ), tick=False):
        dashboard = _figures()
    assert dashboard.figure("received").value == 0
    assert dashboard.figure("on_time_rate").status == Status.NO_DATA
    assert dashboard.days_not_computed == 24  # 1-24 November; later days are in the future


def test_share_truncates_instead_of_rounding():
    assert share(9996, 10000) == 99.9
    assert share(2, 3) == 66.6
    assert share(1, 0) is None


def test_nearest_rank_percentile():
    assert nearest_rank_percentile({}, 90) is None
    assert nearest_rank_percentile({"1.0": 9, "7.5": 1}, 90) == 1.0
    assert nearest_rank_percentile({"1.0": 8, "7.5": 2}, 90) == 7.5
    assert nearest_rank_percentile({"10.0": 1, "2.0": 1}, 90) == 10.0  # sorted as numbers


def test_overdue_now_counts_open_dossiers_past_their_statutory_date_despite_an_apology(
    rolled_up, offices, catalogue
):
    from dashboards.selectors.drilldown import drill_queryset
    from tests.dossiers.factories import make_dossier

    from .conftest import at

    # Now is Tue 1 Dec 10:00: statutory date Mon 30 Nov 16:00, apologised to Fri 4 Dec.
    apologised = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="in_processing",
        office=offices[1],
        received_at=at(11, 20),
        due_at=at(12, 4, 16),
        statutory_due_at=at(11, 30, 16),
        apology_issued_at=at(11, 30, 15),
    )
    dashboard = _figures()
    assert dashboard.figure("overdue_now").value == 3  # d4, d10 and the apologised one
    listed = drill_queryset(
        drill="overdue",
        scope=NATIONAL_SCOPE,
        filters=Filters(start=NOVEMBER[0], end=NOVEMBER[1]),
    )
    assert apologised.pk in set(listed.values_list("pk", flat=True))
    assert listed.count() == 3
