"""Form 05: one row per hand-over, derived from the event trail, each with its own people."""

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.control_sheet import control_sheet_handovers
from dossiers.services import (
    dossier_apologise,
    dossier_assign,
    dossier_decide,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_send_to_appraisal,
    dossier_sign,
    dossier_supply,
)
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE = "Bảo hiểm xã hội thành phố Hà Nội"
DESK = f"Bộ phận tiếp nhận và trả kết quả, {OFFICE}"
PROCESSING = f"Bộ phận xử lý nghiệp vụ, {OFFICE}"
LEADERSHIP = f"Lãnh đạo đơn vị, {OFFICE}"
APPLICANT = "Người nộp hồ sơ"
LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn", "": ""}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HANOI)


@pytest.fixture
def people(offices):
    hanoi = offices[1]
    return {
        "counter": UserFactory(
            username="cs-counter",
            role=Role.COUNTER_OFFICER,
            office=hanoi,
            full_name="Trần Văn Bình",
        ),
        "officer": UserFactory(
            username="cs-officer",
            role=Role.PROCESSING_OFFICER,
            office=hanoi,
            full_name="Lê Thị Cúc",
        ),
        "officer2": UserFactory(
            username="cs-officer2",
            role=Role.PROCESSING_OFFICER,
            office=hanoi,
            full_name="Vũ Văn Em",
        ),
        "leader": UserFactory(
            username="cs-leader", role=Role.OFFICE_LEADER, office=hanoi, full_name="Đỗ Minh Đức"
        ),
    }


def step(moment, service, **kwargs):
    with time_machine.travel(moment, tick=False):
        return service(**kwargs)


@pytest.fixture
def handled(catalogue, offices, people):
    """A sickness dossier received at the counter on Tue 1 Dec 2026, due Thu 3 Dec 09:00
    (16:00 once the supplement stopped the clock for seven office hours), through
    assignment, reassignment, a supplement, appraisal, a send-back, signature, an apology
    and the return."""
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.RECEIVED,
            office=offices[1],
            due_in_days=2,
            received_by=people["counter"],
            applicant_name="Nguyễn Thị Hồng Nhung",
        )
    leader, officer, officer2 = people["leader"], people["officer"], people["officer2"]
    d = step(at(2026, 12, 1, 10), dossier_assign, dossier=dossier, leader=leader, officer=officer2)
    d = step(at(2026, 12, 1, 10, 30), dossier_assign, dossier=d, leader=leader, officer=officer)
    d = step(
        at(2026, 12, 1, 11),
        dossier_request_supplement,
        dossier=d,
        actor=officer,
        reason="Thiếu giấy ra viện",
        items=["Giấy ra viện"],
    )
    d = step(at(2026, 12, 2, 9), dossier_supply, dossier=d, actor=people["counter"])
    d = step(at(2026, 12, 2, 10), dossier_send_to_appraisal, dossier=d, officer=officer)
    d = step(
        at(2026, 12, 2, 14),
        dossier_decide,
        dossier=d,
        officer=officer,
        outcome="approved",
        decision_text="Đồng ý",
    )
    d = step(at(2026, 12, 2, 15), dossier_send_back, dossier=d, leader=leader, reason="Xem lại")
    d = step(at(2026, 12, 2, 16), dossier_send_to_appraisal, dossier=d, officer=officer)
    d = step(
        at(2026, 12, 3, 10),
        dossier_decide,
        dossier=d,
        officer=officer,
        outcome="approved",
        decision_text="Đồng ý 5 ngày",
    )
    d = step(at(2026, 12, 3, 16, 30), dossier_sign, dossier=d, leader=leader)
    d = step(
        at(2026, 12, 3, 16, 45),
        dossier_apologise,
        dossier=d,
        actor=leader,
        reason="Chờ ký",
        new_due_at=at(2026, 12, 7, 9),
    )
    return step(
        at(2026, 12, 4, 9),
        dossier_return_result,
        dossier=d,
        officer=people["counter"],
        delivery="counter",
    )


def test_each_handover_is_a_row_with_its_own_giver_receiver_and_unit(handled):
    rows = control_sheet_handovers(handled)

    assert [(r["unit"], r["giver"], r["receiver"], r["note"]) for r in rows] == [
        (PROCESSING, "Trần Văn Bình", "Vũ Văn Em", "Phân công giải quyết"),
        (PROCESSING, "Vũ Văn Em", "Lê Thị Cúc", "Phân công lại"),
        (APPLICANT, "Lê Thị Cúc", "Nguyễn Thị Hồng Nhung", "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
        (PROCESSING, "Nguyễn Thị Hồng Nhung", "Lê Thị Cúc", "Đã bổ sung hồ sơ"),
        (LEADERSHIP, "Lê Thị Cúc", "Đỗ Minh Đức", "Trình ký kết quả"),
        (PROCESSING, "Đỗ Minh Đức", "Lê Thị Cúc", "Trả lại để xem xét"),
        (LEADERSHIP, "Lê Thị Cúc", "Đỗ Minh Đức", "Trình ký kết quả"),
        (DESK, "Đỗ Minh Đức", "Trần Văn Bình", "Chuyển kết quả để trả"),
        (APPLICANT, "Trần Văn Bình", "Nguyễn Thị Hồng Nhung", "Trả kết quả: Tại Bộ phận Một cửa"),
    ]
    assert [r["given_at"] for r in rows] == [
        at(2026, 12, 1, 10),
        at(2026, 12, 1, 10, 30),
        at(2026, 12, 1, 11),
        at(2026, 12, 2, 9),
        at(2026, 12, 2, 14),
        at(2026, 12, 2, 15),
        at(2026, 12, 3, 10),
        at(2026, 12, 3, 16, 30),
        at(2026, 12, 4, 9),
    ]
    # The leader took the submission when they acted on it; the desk when it returned it.
    assert rows[4]["received_at"] == at(2026, 12, 2, 15)
    assert rows[7]["received_at"] == at(2026, 12, 4, 9)


def test_each_row_reads_the_result_recorded_on_its_event(handled):
    events = list(
        handled.events.filter(kind="transition")
        .exclude(payload__action__in=["send_to_appraisal", "apologise"])
        .order_by("created_at", "id")
    )
    rows = control_sheet_handovers(handled)

    assert [r["result"] for r in rows] == [e.payload["timeliness"] for e in events]
    assert rows[0]["result"] == "early"  # assigned two days before the appointed time
    assert rows[7]["result"] == "late"  # signed after the appointed time had passed


def test_the_pdf_and_the_page_show_the_rows(handled, people, client):
    client.force_login(people["leader"])

    response = client.get(f"/dossiers/d/{handled.reference}/control-sheet/")
    text = " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(BytesIO(response.content)).pages).split()
    )
    assert "9. Người nộp hồ sơ" in text
    assert "2. Bộ phận xử lý nghiệp vụ" in text
    assert "Giao: 10 giờ 30 phút, ngày 01/12/2026" in text
    assert text.count("Vũ Văn Em") == 2  # receiver of the first row, giver of the second
    assert "Quá hạn" in text

    page = client.get(f"/dossiers/d/{handled.reference}/").content.decode()
    table = page[page.index('data-testid="control-sheet"') :]
    table = table[: table.index("</tbody>")]
    assert table.count("<tr>") == 9
    assert "Vũ Văn Em → Lê Thị Cúc" in table


def test_a_reassignment_while_the_applicant_supplements_sends_the_supplement_to_the_new_officer(
    catalogue, offices, people
):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.RECEIVED,
            office=offices[1],
            received_by=people["counter"],
            applicant_name="Nguyễn Thị Hồng Nhung",
        )
    leader, officer, officer2 = people["leader"], people["officer"], people["officer2"]
    d = step(at(2026, 12, 1, 10), dossier_assign, dossier=dossier, leader=leader, officer=officer)
    d = step(
        at(2026, 12, 1, 11),
        dossier_request_supplement,
        dossier=d,
        actor=officer,
        reason="Thiếu giấy ra viện",
        items=["Giấy ra viện"],
    )
    d = step(at(2026, 12, 1, 14), dossier_assign, dossier=d, leader=leader, officer=officer2)
    d = step(at(2026, 12, 2, 9), dossier_supply, dossier=d, actor=people["counter"])

    rows = control_sheet_handovers(d)
    assert [(r["giver"], r["receiver"]) for r in rows] == [
        ("Trần Văn Bình", "Lê Thị Cúc"),
        ("Lê Thị Cúc", "Nguyễn Thị Hồng Nhung"),
        ("Lê Thị Cúc", "Vũ Văn Em"),
        ("Nguyễn Thị Hồng Nhung", "Vũ Văn Em"),
    ]
