"""The read replica: dashboards, open data and exports read from it; writes never do."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.db import REPLICA, ReplicaRouter, read_alias, replica_reads
from dashboards.models import RollupDay, Target
from dashboards.selectors import (
    dashboard_figures,
    drill_page,
    monthly_trend,
    office_ranking,
    open_data_rows,
    weekly_trend,
)
from dashboards.selectors.scope import NATIONAL, Filters, Scope

from .conftest import NOVEMBER

pytestmark = pytest.mark.django_db

FILTERS = Filters(start=NOVEMBER[0], end=NOVEMBER[1])
SCOPE = Scope(level=NATIONAL)


@pytest.fixture
def replica():
    """A `replica` alias mirroring default, as `DATABASE_REPLICA_URL` would add one.

    Its wrapper shares the default connection, so it reads inside the test's transaction
    (a real replica sees what default committed), while its queries are captured apart.
    """
    default = connections[DEFAULT_DB_ALIAS]
    connections.settings[REPLICA] = {
        **default.settings_dict,
        "TEST": {**default.settings_dict["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    wrapper = connections.create_connection(REPLICA)
    default.ensure_connection()
    wrapper.connection = default.connection
    wrapper.autocommit = default.autocommit
    connections[REPLICA] = wrapper
    yield wrapper
    wrapper.connection = None
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _sql(queries) -> str:
    return "\n".join(q["sql"] for q in queries)


def _reads_summary(queries) -> bool:
    sql = _sql(queries)
    return '"dashboards_monthlyrollup"' in sql or '"dashboards_dailyrollup"' in sql


def test_without_a_replica_everything_reads_default():
    with replica_reads():
        assert read_alias() == DEFAULT_DB_ALIAS
        assert ReplicaRouter().db_for_read(Target) is None


def test_dashboard_selectors_read_from_the_replica(rolled_up, replica):
    default = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        dashboard = dashboard_figures(scope=SCOPE, filters=FILTERS)
        weekly_trend(scope=SCOPE, filters=FILTERS)
        monthly_trend(scope=SCOPE, filters=FILTERS)
        office_ranking(scope=SCOPE, filters=FILTERS)
        page = drill_page(drill="received", scope=SCOPE, filters=FILTERS)
        rows = open_data_rows(year=2026)
    assert dashboard.totals["received"] == 7  # the same figures, read on the replica
    assert page.total == 7
    assert sum(r["received"] for r in rows if r["month"] == "2026-11") == 7
    assert not on_default.captured_queries
    sql = _sql(on_replica.captured_queries)
    assert '"dashboards_monthlyrollup"' in sql  # November, a whole month
    assert '"dashboards_dailyrollup"' in sql  # the weekly trend
    assert '"dossiers_dossier"' in sql  # overdue now and the drill-down list


def test_pages_and_exports_read_from_the_replica(client, rolled_up, supervisor, replica):
    client.force_login(supervisor)
    query = "start=2026-11-01&end=2026-11-30"
    for name in ("dashboards:index", "dashboards:export_csv", "dashboards:export_xlsx"):
        with CaptureQueriesContext(replica) as on_replica:
            response = client.get(f"{reverse(name)}?{query}")
        assert response.status_code == 200
        assert _reads_summary(on_replica.captured_queries), name
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("dashboards_api:open_data"), {"year": 2026})
    assert response.status_code == 200
    assert _reads_summary(on_replica.captured_queries)


def test_writes_and_other_reads_stay_on_default(rolled_up, replica):
    with CaptureQueriesContext(replica) as on_replica:
        Target.objects.count()  # outside replica_reads(): default
        with replica_reads():
            RollupDay.objects.update(rows=0)  # a write: default
    assert not on_replica.captured_queries
    assert ReplicaRouter().allow_migrate(REPLICA, "dashboards") is False
    assert ReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "dashboards") is True


def test_reads_inside_a_write_transaction_see_its_writes(rolled_up, replica):
    with replica_reads():
        assert read_alias() == REPLICA
        with transaction.atomic():
            assert read_alias() == DEFAULT_DB_ALIAS
            assert ReplicaRouter().db_for_read(Target) is None
