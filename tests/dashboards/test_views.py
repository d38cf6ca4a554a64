"""Dashboard pages: who may see them, scoping, filters, drill-down and query budget."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.constants import Role
from tests.factories import UserFactory

from .conftest import NOVEMBER_QUERY

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboards:index")
DRILL = reverse("dashboards:drilldown")


def _value(html: str, key: str) -> str:
    match = re.search(rf'data-testid="value-{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER])
def test_only_leaders_supervisors_and_administrators_see_dashboards(client, offices, role):
    user = UserFactory(username=f"u-{role}", role=role, office=offices[1])
    client.force_login(user)
    assert client.get(INDEX).status_code == 403
    assert client.get(DRILL, {"drill": "received"}).status_code == 403
    assert client.get(reverse("dashboards:export_xlsx")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_leader_without_an_office_is_refused(client, db):
    client.force_login(UserFactory(username="lost-leader", role=Role.OFFICE_LEADER))
    assert client.get(INDEX).status_code == 403


def test_supervisor_sees_the_national_figures_in_vietnamese_format(client, rolled_up, supervisor):
    client.force_login(supervisor)
    html = client.get(f"{INDEX}?{NOVEMBER_QUERY}").content.decode()
    assert _value(html, "received") == "7"
    assert _value(html, "on_time_rate") == "80,0%"
    with translation.override("vi"):
        days = translation.gettext("%(days)s working days") % {"days": "3,2"}
    assert _value(html, "processing_average") == days
    assert _value(html, "overdue_now") == "2"
    assert 'class="badge bad" data-testid="status-on_time_rate"' in html  # 80% < 100%
    assert 'class="badge ok" data-testid="status-non_cash"' in html  # 75% >= 68%
    assert 'name="province"' in html  # national: may filter by province
    assert 'data-testid="ranking-table"' in html


def test_leader_never_sees_another_offices_figures(client, rolled_up, leader_hcm, offices):
    client.force_login(leader_hcm)
    html = client.get(
        f"{INDEX}?{NOVEMBER_QUERY}&province=1&office={offices[1].pk}"
    ).content.decode()
    assert _value(html, "received") == "1"  # d5 only
    assert _value(html, "overdue_now") == "0"
    assert 'name="province"' not in html
    assert 'name="office"' not in html
    assert 'data-testid="ranking-table"' not in html

    drill = client.get(DRILL + f"?drill=received&{NOVEMBER_QUERY}&office={offices[1].pk}")
    page = drill.content.decode()
    assert rolled_up["d5"].code in page
    for other in ("d1", "d2", "d3", "d4", "d6", "d10"):
        assert rolled_up[other].code not in page

    overdue = client.get(DRILL + "?drill=overdue").content.decode()
    assert rolled_up["d4"].code not in overdue
    assert rolled_up["d10"].code not in overdue


def test_province_supervisor_is_held_to_the_province(client, rolled_up, offices):
    supervisor = UserFactory(username="sup-hcm", role=Role.SUPERVISOR, office=offices[79])
    client.force_login(supervisor)
    # An office of another province is not a valid choice: the filter is dropped.
    response = client.get(f"{INDEX}?{NOVEMBER_QUERY}&office={offices[1].pk}")
    assert _value(response.content.decode(), "received") == "1"
    assert 'name="province"' not in response.content.decode()
    choices = response.context["form"].fields["office"].queryset
    assert set(choices.values_list("province_code", flat=True)) == {79}


def test_filters_apply(client, rolled_up, supervisor, catalogue):
    client.force_login(supervisor)
    html = client.get(f"{INDEX}?{NOVEMBER_QUERY}&province=1&channel=counter").content.decode()
    assert _value(html, "received") == "2"  # d2, d6
    hi_card = catalogue["hi-card-reissue-exchange"].pk
    html = client.get(f"{INDEX}?{NOVEMBER_QUERY}&procedure={hi_card}").content.decode()
    assert _value(html, "received") == "1"  # d4


def test_invalid_period_falls_back_to_this_month_with_an_error(client, rolled_up, supervisor):
    client.force_login(supervisor)
    response = client.get(f"{INDEX}?start=2026-11-30&end=2026-11-01")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["filters"].start.day == 1


@pytest.mark.parametrize(
    ("drill", "expected"),
    [
        ("received", {"d1", "d2", "d3", "d4", "d5", "d6", "d10"}),
        ("decided", {"d1", "d2", "d3", "d5", "d7", "d10"}),
        ("returned", {"d1", "d2", "d3", "d5", "d7"}),
        ("timely", {"d1", "d2", "d5", "d7"}),
        ("late", {"d3"}),
        ("electronic", {"d1", "d3", "d5", "d10"}),
        ("channel_post", {"d4"}),
        ("outside_residence", {"d10"}),
        ("late_apologised", {"d3"}),
        ("not_digitised", {"d2", "d3", "d4", "d10"}),
        ("unsigned", {"d2", "d7"}),
        ("non_cash", {"d1", "d5", "d7"}),
        ("cash", {"d2"}),
        ("overdue", {"d4", "d10"}),
        ("rated", {"d1", "d2", "d5", "d7"}),
        ("unsatisfied", {"d2", "d7"}),
    ],
)
def test_drill_down_lists_exactly_the_dossiers_behind_the_figure(
    client, rolled_up, supervisor, drill, expected
):
    client.force_login(supervisor)
    response = client.get(DRILL + f"?drill={drill}&{NOVEMBER_QUERY}")
    page = response.content.decode()
    listed = {name for name, d in rolled_up.items() if d.code in page}
    assert listed == expected
    assert response.context["page"].total == len(expected)


def test_drill_down_pages_with_a_cursor(client, rolled_up, supervisor):
    from dashboards.selectors import Filters, Scope, drill_page

    from .conftest import NOVEMBER

    filters = Filters(start=NOVEMBER[0], end=NOVEMBER[1])
    first = drill_page(drill="received", scope=Scope(level="national"), filters=filters, limit=4)
    assert (len(first.rows), first.total) == (4, 7)
    second = drill_page(
        drill="received",
        scope=Scope(level="national"),
        filters=filters,
        limit=4,
        after=first.next_cursor,
    )
    assert (len(second.rows), second.next_cursor) == (3, "")
    assert not {d.pk for d in first.rows} & {d.pk for d in second.rows}
    # Newest reception first.
    received = [d.received_at for d in first.rows + second.rows]
    assert received == sorted(received, reverse=True)


def test_unknown_drill_down_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(DRILL + "?drill=everything").status_code == 404


def test_dashboard_reads_rollups_not_dossiers(client, rolled_up, supervisor):
    client.force_login(supervisor)
    client.get(INDEX)  # warm up sessions and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{INDEX}?{NOVEMBER_QUERY}&province=1")
    assert response.status_code == 200
    on_dossiers = [q["sql"] for q in queries if '"dossiers_dossier"' in q["sql"]]
    assert len(on_dossiers) == 1  # "overdue now" only, through the (state, due_at) index
    assert '"due_at" <' in on_dossiers[0]
    assert not [q for q in queries if '"ratings_rating"' in q["sql"]]
    assert len(queries) <= 20


def test_query_count_does_not_grow_with_dossiers(client, rolled_up, supervisor, catalogue, offices):
    from tests.dossiers.factories import make_dossier

    from .conftest import at

    client.force_login(supervisor)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as before:
        client.get(f"{INDEX}?{NOVEMBER_QUERY}")
    for day in range(16, 21):
        make_dossier(
            procedure=catalogue["sickness-benefit"],
            state="received",
            office=offices[48],
            received_at=at(11, day),
        )
    import datetime as dt

    from dashboards.services import days_between, rollups_refresh_days

    rollups_refresh_days(days=days_between(dt.date(2026, 11, 16), dt.date(2026, 11, 20)))
    with CaptureQueriesContext(connection) as after:
        html = client.get(f"{INDEX}?{NOVEMBER_QUERY}").content.decode()
    assert _value(html, "received") == "12"
    assert len(after) == len(before)
