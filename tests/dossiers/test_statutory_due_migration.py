"""Migration dossiers.0011: the statutory date of existing dossiers, and their timeliness."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from dossiers.constants import DossierState as S
from dossiers.constants import Timeliness
from dossiers.models import Dossier, DossierHandover
from tests.dossiers.factories import make_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
migration = importlib.import_module("dossiers.migrations.0011_statutory_due_at")

pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


def test_existing_apologised_dossiers_are_judged_again_against_their_first_appointment(
    catalogue, offices
):
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        # Recorded "early" against the apology's new date (8 Dec), returned on 3 Dec although
        # first due on 1 Dec.
        apologised = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.RETURNED,
            office=offices[1],
            original_due_at=at(2026, 12, 1, 16),
            due_at=at(2026, 12, 8, 16),
            statutory_due_at=None,
            apology_issued_at=at(2026, 12, 1, 15),
            returned_at=at(2026, 12, 3, 9),
            timeliness=Timeliness.EARLY,
        )
        handover = DossierHandover.objects.create(
            dossier=apologised,
            unit="Bộ phận tiếp nhận và trả kết quả",
            step="return",
            given_at=at(2026, 12, 3, 9),
            received_at=at(2026, 12, 3, 9),
            result=Timeliness.EARLY,
        )
        # No apology: the supplement-moved due_at is the statutory date.
        plain = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.IN_PROCESSING,
            office=offices[1],
            original_due_at=at(2026, 12, 1, 16),
            due_at=at(2026, 12, 4, 16),
            statutory_due_at=None,
        )
        migration.backfill(apps, None)
    apologised = Dossier.objects.get(pk=apologised.pk)
    assert apologised.statutory_due_at == at(2026, 12, 1, 16)
    assert apologised.timeliness == Timeliness.LATE
    assert DossierHandover.objects.get(pk=handover.pk).result == Timeliness.LATE
    assert Dossier.objects.get(pk=plain.pk).statutory_due_at == at(2026, 12, 4, 16)
