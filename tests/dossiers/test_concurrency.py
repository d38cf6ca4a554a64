"""Dossier codes under concurrent submissions: unique and gap-free (a real race on PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from dossiers.constants import Channel
from dossiers.models import Dossier
from dossiers.services import (
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from tests.dossiers.conftest import complete_values, png_file
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
        dossier = dossier_draft_create(
            procedure=catalogue["sickness-benefit"],
            actor=citizen,
            channel=Channel.ONLINE,
            applicant=citizen,
        )
        dossier = dossier_draft_save(
            dossier=dossier,
            actor=citizen,
            values=complete_values(dossier.version),
            next_step=4,
            province_code=1,
        )
        component = dossier.version.components.get(code="medical_leave_certificate")
        dossier_document_add(
            dossier=dossier, component=component, uploaded=png_file(), actor=citizen
        )
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
