"""Statement counts of the hot write paths (issue #15): bounded, and independent of size.

These are counts, not timings: speed itself is measured by `bench/` (docs/benchmarks.md).
"""

import pytest

from dossiers.codes import dossier_codes_take
from dossiers.constants import DossierState, EventKind
from dossiers.models import DailySequence, Dossier
from dossiers.services import dossier_submit
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory


@pytest.fixture
def citizen(db):
    return UserFactory(citizen=True, username="count-citizen")


@pytest.mark.django_db
def test_submitting_an_online_draft_takes_at_most_15_statements(
    catalogue, offices, citizen, django_assert_max_num_queries
):
    dossier = complete_sickness_draft(catalogue, citizen)
    before = Dossier.objects.get(pk=dossier.pk).revision
    with django_assert_max_num_queries(15):
        submitted = dossier_submit(dossier=dossier, actor=citizen, submission_key="count-1")
    # What is returned is what was stored (no re-read, yet nothing stale).
    stored = Dossier.objects.get(pk=dossier.pk)
    assert submitted.state == stored.state == DossierState.SUBMITTED
    assert submitted.code == stored.code
    assert submitted.revision == stored.revision == before + 1
    assert submitted.due_at == stored.due_at
    assert stored.events.filter(kind=EventKind.SUBMITTED).count() == 1
    # A second office-day submission also stays within the bound (the counter row exists).
    second = complete_sickness_draft(catalogue, citizen)
    with django_assert_max_num_queries(15):
        again = dossier_submit(dossier=second, actor=citizen)
    assert int(again.code[-4:]) == int(submitted.code[-4:]) + 1


@pytest.mark.django_db(transaction=True)
def test_codes_for_a_batch_are_taken_with_one_statement_and_continue_the_day(
    offices, django_assert_num_queries
):
    import datetime as dt

    from django.db import transaction

    office = offices[1]
    day = dt.date(2026, 12, 3)
    with transaction.atomic():
        with django_assert_num_queries(1):
            first = dossier_codes_take(office=office, day=day, count=3)
        with django_assert_num_queries(1):
            more = dossier_codes_take(office=office, day=day, count=2)
    assert [code[-4:] for code in first + more] == ["0001", "0002", "0003", "0004", "0005"]
    assert DailySequence.objects.get(office=office, day=day).last_number == 5
    # Another day starts again from 1.
    with transaction.atomic():
        assert (
            dossier_codes_take(office=office, day=day + dt.timedelta(days=1), count=1)[0][-4:]
            == "0001"
        )
    # Outside a transaction a number could be given twice: refused.
    with pytest.raises(RuntimeError):
        dossier_codes_take(office=office, day=day, count=1)
