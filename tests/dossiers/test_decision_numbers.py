"""Result numbers ("Số: 123/QĐ-BHXH"): per office, year and series, given at signing."""

import datetime as dt
import threading
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.constants import SlipKind
from dossiers.models import Dossier
from dossiers.services import dossier_return_result, dossier_sign
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HANOI)


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def leaders(offices):
    return {
        1: UserFactory(username="n-leader-hn", role=Role.OFFICE_LEADER, office=offices[1]),
        79: UserFactory(username="n-leader-hcm", role=Role.OFFICE_LEADER, office=offices[79]),
    }


def awaiting(catalogue, office, *, outcome="approved", **extra):
    return make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.AWAITING_SIGNATURE,
        office=office,
        outcome=outcome,
        decision_text="Đồng ý giải quyết 5 ngày hưởng chế độ ốm đau.",
        **extra,
    )


@pytest.mark.django_db
def test_numbers_run_per_office_year_and_series(catalogue, offices, leaders):
    def sign(office_code, outcome="approved"):
        dossier = awaiting(catalogue, offices[office_code], outcome=outcome)
        return dossier_sign(dossier=dossier, leader=leaders[office_code]).decision_number

    with time_machine.travel(at(2026, 12, 31, 16, 0), tick=False):
        assert sign(1) == "1/QĐ-BHXH"
        assert sign(1) == "2/QĐ-BHXH"
        assert sign(79) == "1/QĐ-BHXH"  # another office keeps its own register
        assert sign(1, "denied") == "1/TB-BHXH"  # a denial is a notice, its own series
    # 00:30 on 1 January in Hà Nội is still 31 December in UTC: the local year counts.
    with time_machine.travel(at(2027, 1, 1, 0, 30), tick=False):
        assert sign(1) == "1/QĐ-BHXH"
    numbered = Dossier.objects.exclude(decision_number="").filter(competent_office=offices[1])
    assert sorted(numbered.values_list("decision_year", flat=True)) == [2026, 2026, 2026, 2027]


@pytest.mark.django_db
def test_a_decision_is_not_numbered_before_it_is_signed(catalogue, offices):
    assert awaiting(catalogue, offices[1]).decision_number == ""


@pytest.mark.django_db
def test_the_number_stands_on_the_pdf_the_page_and_the_api(
    catalogue, offices, leaders, signing_dir, client, django_capture_on_commit_callbacks
):
    citizen = UserFactory(citizen=True, username="n-citizen")
    counter = UserFactory(username="n-counter", role=Role.COUNTER_OFFICER, office=offices[1])
    dossier = awaiting(catalogue, offices[1], applicant=citizen)
    with (
        time_machine.travel(at(2026, 11, 30, 15, 40), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        signed = dossier_sign(dossier=dossier, leader=leaders[1])

    text = pdf_text(signed.slips.get(kind=SlipKind.RESULT).file.read())
    assert "Số: 1/QĐ-BHXH" in text
    assert "………" not in text

    # Staff see the number on the dossier page and in the API at once ...
    client.force_login(leaders[1])
    page = client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    assert 'data-testid="decision-number"' in page
    assert "1/QĐ-BHXH" in page
    api = APIClient()
    api.force_login(leaders[1])
    assert api.get(f"/api/v1/dossiers/{dossier.code}/").json()["decision_number"] == "1/QĐ-BHXH"

    # ... the applicant with the outcome: in the API once processed, on the page once the
    # result is returned.
    api.force_login(citizen)
    assert api.get(f"/api/v1/dossiers/{dossier.code}/").json()["decision_number"] == "1/QĐ-BHXH"
    client.force_login(citizen)
    assert "1/QĐ-BHXH" not in client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        dossier_return_result(dossier=signed, officer=counter, delivery="electronic")
    assert "1/QĐ-BHXH" in client.get(f"/dossiers/d/{dossier.reference}/").content.decode()


@pytest.mark.django_db
def test_applicants_see_no_number_of_an_unsigned_decision_in_the_api(catalogue, offices):
    citizen = UserFactory(citizen=True, username="n-citizen2")
    dossier = awaiting(catalogue, offices[1], applicant=citizen)
    Dossier.objects.filter(pk=dossier.pk).update(decision_number="9/QĐ-BHXH")
    api = APIClient()
    api.force_login(citizen)
    body = api.get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert (body["outcome"], body["decision_number"]) == ("", "")


SIGNINGS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="a real write race needs PostgreSQL")
def test_twenty_concurrent_signings_get_distinct_consecutive_numbers(
    catalogue, offices, leaders, monkeypatch
):
    from dossiers import tasks

    # The race is about the numbers: the PDFs are rendered by other tests.
    monkeypatch.setattr(tasks.letter_issue, "delay_on_commit", lambda *args, **kwargs: None)
    dossiers = [awaiting(catalogue, offices[1]) for _ in range(SIGNINGS)]
    barrier = threading.Barrier(SIGNINGS)
    errors = []

    def sign(dossier):
        try:
            barrier.wait(timeout=30)
            dossier_sign(dossier=dossier, leader=leaders[1])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(dossier,)) for dossier in dossiers]
    with time_machine.travel(at(2026, 6, 15, 10, 0), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    numbers = list(
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list(
            "decision_number", flat=True
        )
    )
    assert sorted(numbers, key=lambda n: int(n.split("/")[0])) == [
        f"{n}/QĐ-BHXH" for n in range(1, SIGNINGS + 1)
    ]
