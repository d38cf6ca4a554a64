"""The benchmark loader (`bench/dataset.py`): its guard, and a database it leaves usable."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from bench import dataset
from dossiers.constants import DossierState
from dossiers.models import DailySequence, Dossier, DossierDocument, DossierEvent
from dossiers.services import dossier_submit
from notifications.models import Notification
from ratings.models import Rating
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory

HANOI = 1
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội, a Tuesday

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the loader is PostgreSQL-only (set-based SQL)"
)


def _quiet(message: str) -> None:
    pass


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["vss_portal", "test_vss_portal", "portal_prod"])
def test_loader_refuses_a_database_without_bench_in_its_name(monkeypatch, offices, catalogue, name):
    monkeypatch.setitem(connection.settings_dict, "NAME", name)
    users_before = connection.cursor().execute("SELECT count(*) FROM accounts_user").fetchone()

    with pytest.raises(dataset.NotABenchDatabase):
        dataset.load(target=100, seed=1, log=_quiet, now=NOW)

    assert not Dossier.objects.exists()
    users_after = connection.cursor().execute("SELECT count(*) FROM accounts_user").fetchone()
    assert users_after == users_before  # not even the staff accounts


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["vss_bench_1m", "vss_bench"])
def test_guard_accepts_a_bench_database(monkeypatch, name):
    monkeypatch.setitem(connection.settings_dict, "NAME", name)
    if connection.vendor != "postgresql":
        with pytest.raises(dataset.NotABenchDatabase):
            dataset.guard_database()
    else:
        assert dataset.guard_database() == name


@needs_postgresql
@pytest.mark.django_db
def test_first_real_submission_after_a_load_takes_the_next_free_code(catalogue, offices):
    hanoi = offices[HANOI]
    loaded = dataset.load(
        target=3_000, seed=7, log=_quiet, now=NOW, allow_test_database=True, rollups=False
    )

    assert loaded["generated"] == 3_000
    assert Dossier.objects.count() == 3_000
    non_drafts = Dossier.objects.exclude(state=DossierState.DRAFT)
    assert not non_drafts.filter(code__isnull=True).exists()
    assert Dossier.objects.filter(state=DossierState.IN_PROCESSING, due_at__lt=NOW).exists()
    assert DossierEvent.objects.count() > 3 * non_drafts.count()
    # The trail's history went into its month partitions, none into the default one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossierevent_default")
        assert cursor.fetchone()[0] == 0
    assert DossierDocument.objects.count() >= non_drafts.count()
    assert Rating.objects.exists()
    assert Notification.objects.filter(recipient__isnull=False).exists()

    # The latest day that has Hà Nội dossiers: its counter continues after their codes.
    sequence = (
        DailySequence.objects.filter(office=hanoi, day__lte=NOW.date()).order_by("-day").first()
    )
    prefix = f"{hanoi.agency_code}-{sequence.day:%y%m%d}-"
    serials = [
        int(code.removeprefix(prefix))
        for code in Dossier.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    ]
    assert sequence.last_number == max(serials) == len(serials)

    noon = dt.datetime.combine(sequence.day, dt.time(12, 0), tzinfo=LOCAL)
    with time_machine.travel(noon, tick=False):
        citizen = UserFactory(citizen=True, username="after-load")
        draft = complete_sickness_draft(catalogue, citizen)
        submitted = dossier_submit(dossier=draft, actor=citizen)

    assert submitted.code == f"{prefix}{max(serials) + 1:04d}"
