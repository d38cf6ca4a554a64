"""The tracking book (form 06): an office's dossiers for a period, on a page and exported."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.constants import Role
from dossiers.constants import DossierState, Timeliness
from dossiers.models import DossierHandover
from dossiers.selectors import tracking_book_dossiers, tracking_book_page
from offices.models import Office
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory
from tests.two_factor import SECOND_FACTOR_QUERIES

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=HCM)
PERIOD = {"start": "2026-11-23", "end": "2026-11-27"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=HCM)


@pytest.fixture
def book(catalogue, offices):
    """Hà Nội's desk: four dossiers in the period (one refused, one returned late), one the
    week before, and one received in Hồ Chí Minh City."""
    hn, hcm = offices[1], offices[79]
    sickness = catalogue["sickness-benefit"]

    def dossier(office, submitted, state, **extra):
        fields = {
            "submitted_at": submitted,
            "received_at": submitted if state != DossierState.REFUSED else None,
            "original_due_at": submitted + dt.timedelta(days=7),
            "statutory_due_at": submitted + dt.timedelta(days=7),
            "due_at": submitted + dt.timedelta(days=7),
            **extra,
        }
        return make_dossier(procedure=sickness, state=state, office=office, **fields)

    late = dossier(
        hn,
        at(23, 8, 15),
        DossierState.RETURNED,
        applicant_address="12 Trần Hưng Đạo, Hà Nội",
        applicant_phone="0912345678",
        returned_at=at(27, 9),
        timeliness=Timeliness.LATE,
        due_at=at(28, 17),
    )
    DossierHandover.objects.create(
        dossier=late, unit="Phòng Chế độ BHXH", step="assign", given_at=at(23, 9)
    )
    rows = {
        "late": late,
        "early": dossier(
            hn,
            at(24, 10),
            DossierState.RETURNED,
            returned_at=at(25, 10),
            timeliness=Timeliness.EARLY,
        ),
        "refused": dossier(hn, at(25, 14), DossierState.REFUSED, stop_reason="Sai thủ tục"),
        "open": dossier(hn, at(27, 16, 59) - dt.timedelta(hours=2), DossierState.IN_PROCESSING),
        "before": dossier(hn, at(22, 23, 59), DossierState.IN_PROCESSING),
        "elsewhere": dossier(hcm, at(24, 9), DossierState.IN_PROCESSING),
    }
    return rows


def leader(office):
    return UserFactory(username=f"leader-{office.pk}", role=Role.OFFICE_LEADER, office=office)


def test_the_book_lists_the_office_s_dossiers_of_the_period_in_order(client, offices, book):
    client.force_login(leader(offices[1]))
    response = client.get(reverse("dossiers:tracking_book"), PERIOD)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.code for r in rows] == [
        book["late"].code,
        book["early"].code,
        book["refused"].code,
        book["open"].code,
    ]
    assert [r.number for r in rows] == [1, 2, 3, 4]
    late = rows[0]
    assert late.applicant_address == "12 Trần Hưng Đạo, Hà Nội"
    assert late.due_at == at(30, 8, 15)  # the first appointment ...
    assert late.new_due_at == at(28, 17)  # ... and the new one after an apology
    assert late.processing_units == ["Phòng Chế độ BHXH"]
    assert late.timeliness_label == "Quá hạn"
    assert rows[1].timeliness_label == "Trước hạn"
    assert rows[2].note == "Từ chối tiếp nhận: Sai thủ tục"
    html = response.content.decode()
    assert book["before"].code not in html
    assert book["elsewhere"].code not in html


def test_the_page_costs_the_same_few_queries_for_many_dossiers(
    client, catalogue, offices, django_assert_max_num_queries
):
    for index in range(40):
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.IN_PROCESSING,
            office=offices[1],
            submitted_at=at(24, 8) + dt.timedelta(minutes=index),
        )
        DossierHandover.objects.create(
            dossier=dossier, unit="Phòng Chế độ BHXH", step="assign", given_at=at(24, 9)
        )
    client.force_login(leader(offices[1]))
    with django_assert_max_num_queries(9 + SECOND_FACTOR_QUERIES):
        response = client.get(reverse("dossiers:tracking_book"), PERIOD)
    assert len(response.context["rows"]) == 40


def test_keyset_pages_follow_each_other_without_gaps(offices, book):
    first, cursor = tracking_book_page(
        office=offices[1], start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 27), size=3
    )
    second, last_cursor = tracking_book_page(
        office=offices[1],
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 27),
        after=cursor,
        size=3,
    )
    assert [n for n, _ in first] == [1, 2, 3]
    assert [(n, d.pk) for n, d in second] == [(4, book["open"].pk)]
    assert cursor
    assert last_cursor == ""


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-11-27", "end": "2026-11-23"}, "end"),
        ({"start": "27/13/2026", "end": "2026-11-27"}, "start"),
        ({"start": "2025-01-01", "end": "2026-11-27"}, "end"),
    ],
)
def test_bad_periods_get_a_field_message(client, offices, params, field):
    client.force_login(leader(offices[1]))
    response = client.get(reverse("dossiers:tracking_book"), params)
    assert response.status_code == 400
    assert response.context["form"].errors[field]


def test_exports_take_at_most_a_month(client, offices):
    client.force_login(leader(offices[1]))
    params = {"start": "2026-09-01", "end": "2026-11-27"}
    for name in ("dossiers:tracking_book_pdf", "dossiers:tracking_book_xlsx"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert response.context["form"].errors["end"]


def test_staff_see_only_their_office_supervisors_choose_in_their_province(client, offices, book):
    client.force_login(leader(offices[1]))
    other = client.get(reverse("dossiers:tracking_book"), {**PERIOD, "office": offices[79].pk})
    assert other.status_code == 400
    assert other.context["form"].errors["office"]

    base = Office.objects.create(
        agency_code="000.01.01.G12", name="BHXH cơ sở Ba Đình", kind="base", province_code=1
    )
    supervisor = UserFactory(username="sup-hn", role=Role.SUPERVISOR, office=base)
    client.force_login(supervisor)
    own_province = client.get(
        reverse("dossiers:tracking_book"), {**PERIOD, "office": offices[1].pk}
    )
    assert own_province.status_code == 200
    assert len(own_province.context["rows"]) == 4
    far = client.get(reverse("dossiers:tracking_book"), {**PERIOD, "office": offices[79].pk})
    assert far.status_code == 400

    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("dossiers:tracking_book"), PERIOD).status_code == 404


def test_pdf_export_is_form_06_on_a4_landscape(client, offices, book):
    client.force_login(leader(offices[1]))
    response = client.get(reverse("dossiers:tracking_book_pdf"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 23/11/2026 đến ngày 27/11/2026" in text
    for key in ("late", "early", "refused", "open"):
        assert book[key].code in text
    assert book["before"].code not in text


@pytest.mark.parametrize(("language", "header"), [("vi", "Mã hồ sơ"), ("en", "Dossier code")])
def test_xlsx_export_has_headers_in_the_reader_s_language(client, offices, book, language, header):
    client.force_login(leader(offices[1]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("dossiers:tracking_book_xlsx"), PERIOD)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_row = next(i for i, row in enumerate(values) if header in row)
    body = values[header_row + 1 :]
    assert [row[1] for row in body] == [
        book["late"].code,
        book["early"].code,
        book["refused"].code,
        book["open"].code,
    ]


def test_the_worklist_links_to_the_book(client, offices):
    client.force_login(leader(offices[1]))
    page = client.get(reverse("dossiers:worklist"))
    assert reverse("dossiers:tracking_book") in page.content.decode()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the query plan is PostgreSQL's",
)
def test_a_page_reads_the_book_index_not_the_table(catalogue, offices):
    """With many dossiers of many offices and days, a day's page uses `dossier_book_idx`."""
    from django.db import connection

    from dossiers.models import Dossier
    from procedures.selectors import version_in_force

    sickness = catalogue["sickness-benefit"]
    version = version_in_force(procedure=sickness)
    office_list = list(offices.values())
    start = at(1, 0)
    Dossier.objects.bulk_create(
        Dossier(
            procedure=sickness,
            version=version,
            channel="online",
            state=DossierState.IN_PROCESSING,
            code=f"BOOK-{index:06d}",
            receiving_office=office_list[index % len(office_list)],
            competent_office=office_list[index % len(office_list)],
            submitted_at=start + dt.timedelta(minutes=12 * index),
        )
        for index in range(5_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
    qs = tracking_book_dossiers(
        office=offices[1], start=dt.date(2026, 11, 24), end=dt.date(2026, 11, 24)
    )
    plan = qs[:101].explain()
    assert "dossier_book_idx" in plan, plan


def test_the_xlsx_export_says_when_it_was_computed(client, offices, book):
    client.force_login(leader(offices[1]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel("2026-11-28 10:15 +0700", tick=False):
        response = client.get(reverse("dossiers:tracking_book_xlsx"), PERIOD)

    sheet = load_workbook(io.BytesIO(response.content)).active
    period_row = next(row for row in sheet.iter_rows(values_only=True) if "From" in row)
    assert period_row[4:6] == ("Computed at", "10:15 28/11/2026")
