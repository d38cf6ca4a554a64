"""Open data per province and month: exact figures, small-cell withholding, no personal data."""

import csv
import io
import json

import pytest
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from dashboards.api.views import OpenDataApi, OpenDataDictionaryApi
from dashboards.selectors import open_data_rows
from dashboards.selectors.open_data import DICTIONARY, DICTIONARY_FIELDS

pytestmark = pytest.mark.django_db

API = reverse("dashboards_api:open_data")


def test_rows_per_province_and_month(rolled_up):
    rows = {(r["province_code"], r["month"]): r for r in open_data_rows(year=2026)}
    assert set(rows) == {(1, "2026-10"), (1, "2026-11"), (79, "2026-11")}
    hanoi = rows[(1, "2026-11")]
    assert hanoi == {
        "province_code": 1,
        "province_name": hanoi["province_name"],
        "month": "2026-11",
        "received": 6,  # d1 d2 d3 d4 d6 d10
        "received_online": 2,
        "received_counter": 2,
        "received_post": 1,
        "received_ivan": 1,
        "electronic_share": 50.0,  # 3 of 6; 6 >= 5 so it is published
        "received_outside_residence": 1,  # d10 (applicant living in HCM), not d3
        "received_digitised": 2,  # d1 d6
        "processed": 5,  # d1 d2 d3 d7 d10
        "returned": 4,  # d1 d2 d3 d7
        "returned_early": 1,
        "returned_on_time": 2,
        "returned_late": 1,
        "returned_late_apologised": 1,  # d3
        "on_time_rate": None,  # from 4 results: withheld
        "returned_signed": 2,  # d1 d3
        "average_processing_days": None,  # from 4 results: withheld
        "paid_non_cash": 2,  # d1 d7
        "paid_cash": 1,  # d2
        "rated": 3,  # d1 d2 d7
        "rated_satisfied": 1,  # d1
        "satisfied_share": None,  # from 3 ratings: withheld
        "average_score": None,
        "counter_visitors": 0,  # no queue tickets in this data set
        "called_within_15_min_share": None,
        "median_wait_minutes": None,
        "p90_wait_minutes": None,
    }
    assert hanoi["province_name"]
    assert rows[(1, "2026-10")]["received"] == 2  # d7, d9
    assert rows[(79, "2026-11")]["electronic_share"] is None  # 1 dossier: withheld
    assert [r["province_code"] for r in open_data_rows(year=2026, province_code=79)] == [79]
    assert open_data_rows(year=2025) == []


def test_rates_are_published_from_five_dossiers(rolled_up, catalogue, offices):
    from dashboards.services import days_between, rollups_refresh_days
    from tests.dossiers.factories import make_dossier

    from .conftest import at

    make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="returned",
        office=offices[1],
        received_at=at(11, 16),
        returned_at=at(11, 17, 17),
        timeliness="on_time",
    )
    import datetime as dt

    rollups_refresh_days(days=days_between(dt.date(2026, 11, 16), dt.date(2026, 11, 17)))
    hanoi = open_data_rows(year=2026, province_code=1)[-1]
    assert hanoi["returned"] == 5
    assert hanoi["on_time_rate"] == 80.0  # d1 d2 d7 and the new one of 5
    assert hanoi["average_processing_days"] == 3.2  # (3 + 4 + 5 + 2 + 2) / 5


def test_api_is_public_and_carries_no_personal_data(client, rolled_up):
    response = client.get(API, {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["min_cell"], len(body["results"])) == (2026, 5, 3)
    assert all(tuple(row) == DICTIONARY_FIELDS for row in body["results"])
    text = json.dumps(body, ensure_ascii=False)
    for dossier in rolled_up.values():
        assert dossier.code not in text
        assert str(dossier.reference) not in text
    for personal in ("Nguyễn Văn An", "001090012345", "Ba Đình", "Bảo hiểm xã hội"):
        assert personal not in text


def test_api_validates_and_throttles(client, db):
    response = client.get(API, {"province": 99})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    throttles = {type(t) for t in OpenDataApi().get_throttles()}
    assert any(issubclass(t, AnonRateThrottle) for t in throttles)  # anonymous: throttled
    assert {type(t) for t in OpenDataDictionaryApi().get_throttles()} == throttles


def test_dictionary_api_and_page(client, rolled_up):
    entries = client.get(reverse("dashboards_api:open_data_dictionary")).json()
    assert [e["name"] for e in entries] == list(DICTIONARY_FIELDS)
    assert all(e["description_vi"] and e["description_en"] for e in entries)

    page = client.get(reverse("dashboards:open_data"), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    for entry in DICTIONARY:
        assert f"<code>{entry.name}</code>" in html
        assert entry.description_vi in html
    assert rolled_up["d1"].code not in html


def test_open_data_csv(client, rolled_up):
    response = client.get(reverse("dashboards:open_data_csv"), {"year": 2026, "province": 79})
    assert 'filename="vss-open-data-2026-79.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert tuple(rows[0]) == (*DICTIONARY_FIELDS, "computed_at")
    assert len(rows) == 2
    assert rows[1][:4] == ["79", rows[1][1], "2026-11", "1"]


def test_counter_wait_per_province_and_month(offices, django_assert_max_num_queries):
    """Five visitors in Hà Nội called after 2, 4, 10, 16 and 20 minutes; one in HCM."""
    import datetime as dt
    import zoneinfo

    import time_machine

    from queues.services import ticket_call_next, ticket_issue
    from tests.factories import UserFactory
    from tests.queues.conftest import make_counter, service_groups

    hcm_tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=hcm_tz)
    group = service_groups()["benefits"]
    for code, waits in ((1, (2, 4, 10, 16, 20)), (79, (3,))):
        officer = UserFactory(counter_officer=True, office=offices[code], username=f"q{code}")
        counter = make_counter(offices[code], 1, [group], officer)
        with time_machine.travel(start, tick=False):
            for _ in waits:
                ticket_issue(office=offices[code], group=group)
        for minutes in waits:
            with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
                ticket_call_next(counter=counter, officer=officer)

    with django_assert_max_num_queries(3):
        rows = {(r["province_code"], r["month"]): r for r in open_data_rows(year=2026)}
    hanoi, hcm = rows[(1, "2026-11")], rows[(79, "2026-11")]
    assert (hanoi["received"], hanoi["counter_visitors"]) == (0, 5)
    assert hanoi["called_within_15_min_share"] == 60.0  # 2, 4 and 10 minutes
    assert (hanoi["median_wait_minutes"], hanoi["p90_wait_minutes"]) == (10.0, 20.0)
    assert hcm["counter_visitors"] == 1
    assert hcm["called_within_15_min_share"] is None  # one visitor: withheld
    assert hcm["median_wait_minutes"] is None
    assert list(open_data_rows(year=2026, province_code=79)[0]) == list(DICTIONARY_FIELDS)
