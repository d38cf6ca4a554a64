"""Dossiers of the demo procedure (seed_demo only) never count in the dashboards."""

import datetime as dt

import pytest

from dashboards.forms import DashboardFilterForm
from dashboards.models import DailyRollup
from dashboards.selectors import Filters, Scope
from dashboards.selectors.figures import overdue_now
from dashboards.services import daily_rollup_refresh
from dossiers.constants import Channel, DossierState
from tests.dossiers.factories import make_dossier

from .conftest import at

pytestmark = pytest.mark.django_db


def _received(procedure, office, day):
    return make_dossier(
        procedure=procedure,
        state=DossierState.IN_PROCESSING,
        office=office,
        channel=Channel.COUNTER,
        submitted_at=at(11, day, 9),
        received_at=at(11, day, 9),
        due_at=at(11, day + 1, 9),
    )


def test_demo_dossiers_are_left_out_of_rollups_and_overdue_counts(demo_catalogue, offices):
    hn = offices[1]
    _received(demo_catalogue["demo-field-inspection"], hn, 4)
    _received(demo_catalogue["hi-card-reissue-exchange"], hn, 4)

    daily_rollup_refresh(day=dt.date(2026, 11, 4))
    overdue = overdue_now(
        scope=Scope(level="national"),
        filters=Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)),
        now=at(11, 20),
    )

    rows = DailyRollup.objects.filter(day=dt.date(2026, 11, 4))
    assert [r.procedure_id for r in rows] == [demo_catalogue["hi-card-reissue-exchange"].pk]
    assert overdue == 1


def test_dashboard_filters_do_not_offer_the_demo_procedure(demo_catalogue):
    form = DashboardFilterForm({}, scope=Scope(level="national"), today=dt.date(2026, 11, 20))

    offered = set(form.fields["procedure"].queryset.values_list("slug", flat=True))
    assert "demo-field-inspection" not in offered
    assert "sickness-benefit" in offered
