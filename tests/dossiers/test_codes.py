"""Dossier codes past 9,999 a day: a fifth digit, never a duplicate or an error, still trackable."""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connections, transaction
from django.urls import reverse

from dossiers.codes import CODE_PATTERN, dossier_code_next, dossier_code_parse
from dossiers.models import DailySequence, Dossier
from dossiers.services import (
    dossier_submit,
)
from dossiers.tracking import find_tracked
from offices.models import Office
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=HCM)
SUBMISSIONS = 6


def test_code_format_is_parsed_with_four_or_five_digit_serials():
    assert dossier_code_parse("000.00.01.G12-261123-0042") == ("000.00.01.G12", "261123", 42)
    assert dossier_code_parse("000.00.79.G12-261123-10003") == ("000.00.79.G12", "261123", 10003)
    assert dossier_code_parse("000.00.79.G12-261123-042") is None
    assert dossier_code_parse("not a code") is None


@pytest.mark.django_db
def test_a_long_agency_code_past_9999_still_fits_and_is_trackable(client):
    """The longest agency code the office table allows with a 5-digit serial (44 characters)."""
    office = Office.objects.create(
        agency_code="000.00.79.G12.TTPVHCC.PHUONG.SG1",  # 32 characters, the most it allows
        name="Trung tâm phục vụ hành chính công",
        kind="base",
        province_code=79,
    )
    day = MONDAY.date()
    DailySequence.objects.create(office=office, day=day, last_number=9999)
    with transaction.atomic():
        code = dossier_code_next(office=office, day=day)
    assert code == "000.00.79.G12.TTPVHCC.PHUONG.SG1-261123-10000"
    assert CODE_PATTERN.match(code)
    response = client.post(reverse("tracking:track"), {"code": code.lower(), "id_last4": "1234"})
    # The form takes the code (no "at most 40 characters" field error): an unknown dossier.
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real write race needs PostgreSQL (SQLite serialises writers); CI runs it there",
)
def test_concurrent_submissions_across_9999_get_distinct_valid_trackable_codes(catalogue, offices):
    hanoi = offices[1]
    with time_machine.travel(MONDAY, tick=False):
        drafts = []
        for index in range(SUBMISSIONS):
            citizen = UserFactory(citizen=True, username=f"limit{index}")
            dossier = complete_sickness_draft(catalogue, citizen)
            drafts.append((dossier, citizen))
        DailySequence.objects.create(office=hanoi, day=MONDAY.date(), last_number=9997)

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

        threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    dossiers = list(Dossier.objects.exclude(code=None))
    codes = sorted(d.code for d in dossiers)
    assert len(codes) == SUBMISSIONS == len(set(codes))
    assert all(CODE_PATTERN.match(code) for code in codes)
    parsed = [dossier_code_parse(code) for code in codes]
    assert {agency for agency, _, _ in parsed} == {hanoi.agency_code}
    assert {day for _, day, _ in parsed} == {"261123"}
    assert sorted(serial for _, _, serial in parsed) == list(range(9998, 9998 + SUBMISSIONS))
    for dossier in dossiers:
        found = find_tracked(code=dossier.code, id_last4=dossier.applicant_national_id[-4:])
        assert found is not None
        assert found.pk == dossier.pk
