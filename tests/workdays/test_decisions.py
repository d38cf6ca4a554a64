"""The government's day swaps shipped as data: migration, loader, admin."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory
from workdays.constants import OverrideKind
from workdays.decisions import DECISIONS
from workdays.models import CalendarOverride
from workdays.services import calendar_overrides_load, is_working_day

pytestmark = pytest.mark.django_db

migration = importlib.import_module("workdays.migrations.0002_new_year_2026_swap")


def _swap_rows():
    return {
        o.date: (o.kind, o.legal_basis)
        for o in CalendarOverride.objects.filter(date__in=[d.date for d in DECISIONS])
    }


def test_the_new_year_2026_swap_is_seeded_with_its_legal_basis():
    rows = _swap_rows()

    assert rows[dt.date(2026, 1, 2)][0] == OverrideKind.DAY_OFF
    assert rows[dt.date(2026, 1, 10)][0] == OverrideKind.WORKING_DAY
    assert all("12729/VPCP-KGVX" in basis for _kind, basis in rows.values())


def test_the_migration_matches_the_decisions_table_and_is_reversible():
    CalendarOverride.objects.all().delete()
    migration.seed(django_apps, None)
    migration.seed(django_apps, None)  # twice: nothing doubled

    seeded = list(CalendarOverride.objects.order_by("date").values_list("date", "kind", "reason"))
    assert seeded == [(d.date, d.kind, d.reason) for d in DECISIONS]
    assert not is_working_day(dt.date(2026, 1, 2))

    migration.unseed(django_apps, None)
    assert not CalendarOverride.objects.exists()
    assert is_working_day(dt.date(2026, 1, 2))  # back to holidays.VN's answer


def test_reversing_the_migration_keeps_a_row_an_administrator_changed():
    CalendarOverride.objects.filter(date=dt.date(2026, 1, 10)).update(
        kind=OverrideKind.DAY_OFF, legal_basis="a later decision"
    )

    migration.unseed(django_apps, None)

    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [dt.date(2026, 1, 10)]


def test_loading_the_decisions_is_idempotent_and_keeps_admin_edits(capsys):
    CalendarOverride.objects.filter(date=dt.date(2026, 1, 2)).delete()
    CalendarOverride.objects.filter(date=dt.date(2026, 1, 10)).update(reason="corrected")

    assert calendar_overrides_load() == 1
    call_command("load_calendar_decisions")

    assert "0 new override(s)" in capsys.readouterr().out
    assert CalendarOverride.objects.get(date=dt.date(2026, 1, 10)).reason == "corrected"
    assert not is_working_day(dt.date(2026, 1, 2))


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(administrator=True, username="calendar-admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_administrator_enters_next_years_swap_in_the_admin(admin_client):
    changelist = admin_client.get(reverse("admin:workdays_calendaroverride_changelist"))
    assert changelist.status_code == 200
    assert "12729/VPCP-KGVX" in changelist.text
    assert admin_client.get(reverse("admin:workdays_calendaroverride_add")).status_code == 200

    response = admin_client.post(
        reverse("admin:workdays_calendaroverride_add"),
        {
            "date": "2027-01-02",
            "kind": OverrideKind.WORKING_DAY,
            "reason": "Làm bù",
            "legal_basis": "Công văn thử nghiệm",
        },
    )

    assert response.status_code == 302
    assert is_working_day(dt.date(2027, 1, 2))  # a Saturday made a working day
