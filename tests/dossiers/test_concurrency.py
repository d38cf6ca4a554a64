"""Dossier codes under concurrent submissions: unique and gap-free (a real race on PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from dossiers.models import Dossier
from dossiers.services import (
    dossier_submit,
)
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory

SUBMISSIONS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real write race needs PostgreSQL (SQLite serialises writers); CI runs it there",
)
def test_twenty_concurrent_submissions_get_unique_gap_free_codes(catalogue, offices):
    citizens, drafts = [], []
    for index in range(SUBMISSIONS):
        citizen = UserFactory(citizen=True, username=f"race{index}")
        dossier = complete_sickness_draft(catalogue, citizen)
        citizens.append(citizen)
        drafts.append(dossier)

    barrier = threading.Barrier(SUBMISSIONS)
    errors = []

    def submit(dossier, citizen):
        try:
            barrier.wait(timeout=30)
            dossier_submit(dossier=dossier, actor=citizen)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(drafts, citizens, strict=False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    codes = sorted(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == SUBMISSIONS == len(set(codes))
    numbers = sorted(int(code[-4:]) for code in codes)
    assert numbers == list(range(1, SUBMISSIONS + 1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks need PostgreSQL",
)
def test_acting_on_a_dossier_locks_its_row_not_its_procedure_version(catalogue, offices):
    """Two officers working on two dossiers of one procedure never wait for each other."""
    from django.db import DatabaseError, transaction

    from dossiers.services.workflow import _lock
    from procedures.models import ProcedureVersion
    from tests.dossiers.factories import make_dossier

    procedure = catalogue["sickness-benefit"]
    first = make_dossier(procedure=procedure, state="received", office=offices[1])
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def hold_the_first():
        try:
            with transaction.atomic():
                _lock(first)
                locked.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_first)
    holder.start()
    try:
        assert locked.wait(timeout=20)
        for name, rows, pk in (
            ("version", ProcedureVersion.objects, first.version_id),
            ("dossier", Dossier.objects, first.pk),
        ):
            try:
                with transaction.atomic():
                    rows.select_for_update(nowait=True).get(pk=pk)
                outcome[name] = "free"
            except DatabaseError:
                outcome[name] = "locked"
    finally:
        release.set()
        holder.join(timeout=20)

    assert outcome == {"version": "free", "dossier": "locked"}
