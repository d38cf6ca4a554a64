"""Targets: seeded by the data migration, editable in the admin, compared with figures."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from dashboards.constants import TargetKey
from dashboards.models import Target
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEED = importlib.import_module("dashboards.migrations.0002_seed_targets")


def test_migration_seeds_every_target_from_the_plans():
    targets = {t.key: (t.value, t.unit, t.comparison) for t in Target.objects.all()}
    assert targets == {
        "on_time": (Decimal("100"), "percent", "at_least"),
        "online_share": (Decimal("80"), "percent", "at_least"),
        "cross_boundary": (Decimal("100"), "percent", "at_least"),
        "digitised": (Decimal("100"), "percent", "at_least"),
        "signed": (Decimal("95"), "percent", "at_least"),
        "satisfaction": (Decimal("90"), "percent", "at_least"),
        "wait_time": (Decimal("15"), "minutes", "at_most"),
        "non_cash": (Decimal("68"), "percent", "at_least"),
    }
    assert set(targets) == set(TargetKey.values)


def test_seed_keeps_edits_and_reverses_cleanly():
    Target.objects.filter(key="online_share").update(value=Decimal("85"))
    SEED.seed(apps, None)
    assert Target.objects.get(key="online_share").value == Decimal("85")
    SEED.unseed(apps, None)
    assert not Target.objects.exists()
    SEED.seed(apps, None)
    assert Target.objects.count() == 8


def test_comparison():
    at_least = Target(value=Decimal("68"), comparison="at_least")
    at_most = Target(value=Decimal("15"), comparison="at_most")
    assert (at_least.is_met(68.0), at_least.is_met(67.9)) == (True, False)
    assert (at_most.is_met(15.0), at_most.is_met(15.1)) == (True, False)


def test_administrator_edits_a_target_and_the_dashboard_follows(client, rolled_up, supervisor):
    admin = UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    target = Target.objects.get(key="on_time")
    response = client.post(
        reverse("admin:dashboards_target_change", args=[target.pk]),
        {
            "value": "80",
            "unit": "percent",
            "comparison": "at_least",
            "basis": target.basis,
            "note": "",
        },
    )
    assert response.status_code == 302
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:index") + "?start=2026-11-01&end=2026-11-30")
    assert page.context["dashboard"].figure("on_time_rate").status == "on"  # 80.0 >= 80


def test_admin_lists_rollups_and_recomputes_chosen_days(
    client, dataset, django_capture_on_commit_callbacks
):
    import datetime as dt

    from dashboards.models import DailyRollup, RollupDay

    RollupDay.objects.create(day=dt.date(2026, 11, 2))
    admin = UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:dashboards_rollupday_changelist"),
            {"action": "recompute", "_selected_action": ["2026-11-02"]},
        )
    assert response.status_code == 302
    assert DailyRollup.objects.filter(day=dt.date(2026, 11, 2)).count() == 3
    assert client.get(reverse("admin:dashboards_dailyrollup_changelist")).status_code == 200
    assert client.get(reverse("admin:dashboards_target_changelist")).status_code == 200
