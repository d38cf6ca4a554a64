"""The counter queue in a browser: kiosk ticket → display board → officer calls it → counter
intake → the dossier carries its ticket and wait; an appointment booked online and served;
the phone page following its position."""

import datetime as dt
import re
import zoneinfo

import time_machine
from django.utils import translation
from playwright.sync_api import expect

from dossiers.services import dossier_counter_receive
from queues.models import Counter, Slot, Ticket
from queues.services import ticket_call_next, ticket_issue
from tests.dossiers.test_counter_desk import walk_in_draft
from tests.dossiers.test_intake_services import paper_lines
from tests.factories import PASSWORD, UserFactory
from tests.queues.conftest import make_counter, service_groups
from tests.two_factor import browser_sign_in

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=HCM)


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def _officer(office, groups, username="quay-browser", number=1):
    officer = UserFactory(
        username=username, role="counter_officer", office=office, full_name="Lê Văn Quầy"
    )
    make_counter(office, number, groups)
    return officer


def _second_page(page, live_server):
    context = page.context.browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_kiosk_ticket_is_shown_called_and_carried_by_the_dossier(
    page, login, live_server, offices, catalogue
):
    office = offices[1]
    groups = service_groups()
    officer = _officer(office, [groups["benefits"]])
    with time_machine.travel(MONDAY, tick=True):
        kiosk = _second_page(page, live_server)
        kiosk.goto(f"/queue/o/{office.pk}/kiosk/")
        kiosk.get_by_test_id("take-ticket").click()  # no group chosen
        expect(kiosk.locator("#group-error")).to_be_visible()
        kiosk.get_by_label(re.compile("Chế độ bảo hiểm xã hội")).check()
        kiosk.get_by_test_id("take-ticket").click()
        expect(kiosk.get_by_test_id("ticket-number")).to_have_text("2001")
        expect(kiosk.get_by_test_id("ticket-ahead")).to_have_text("0")

        board = _second_page(page, live_server)
        board.goto(f"/queue/o/{office.pk}/board/")
        expect(board.get_by_test_id("board-next")).to_contain_text("2001")

        login("quay-browser", PASSWORD)
        page.goto("/queue/counter/")
        page.get_by_label(re.compile(_vi("Counter"))).select_option(
            label=_vi("Counter %(number)s") % {"number": 1}
        )
        page.locator("[data-testid=counter-sign-in] button").click()
        page.get_by_test_id("call-next").click()
        expect(page.get_by_test_id("current-number")).to_have_text("2001")

        # The board learns of the call by itself (polling), and announces it.
        expect(board.get_by_test_id("board-last")).to_contain_text("2001", timeout=4000)
        expect(board.locator("#board")).to_have_attribute("data-announced", "2001@1")

        page.get_by_test_id("open-intake").click()
        expect(page).to_have_url(re.compile("/dossiers/counter/"))
        # The intake wizard itself is covered by tests/browser/test_intake.py.
        draft = walk_in_draft(catalogue, officer)
        dossier = dossier_counter_receive(
            dossier=draft, officer=officer, receipts=paper_lines(draft)
        )
        page.goto(f"/dossiers/d/{dossier.reference}/")
        expect(page.get_by_test_id("visit-ticket")).to_contain_text("2001")
        expect(page.get_by_test_id("visit-wait")).to_be_visible()
        kiosk.context.close()
        board.context.close()

        # The leader cannot move the officer away while the citizen is being served.
        make_counter(office, 2, [groups["benefits"]])
        UserFactory(username="truong-browser", role="office_leader", office=office)
        leader = _second_page(page, live_server)
        browser_sign_in(leader, "truong-browser", PASSWORD)
        leader.goto("/queue/live/")
        move = leader.get_by_test_id("move-officer-2")
        move.get_by_label(_vi("Officer at counter %(number)s") % {"number": 2}).select_option(
            label="Lê Văn Quầy"
        )
        move.get_by_role("button").click()
        expect(leader.locator(".message-error")).to_be_visible()
        leader.context.close()
    ticket = Ticket.objects.get(number=2001)
    assert ticket.dossier_id == dossier.pk
    assert ticket.wait is not None


def test_appointment_booked_online_is_served_at_its_time(page, login, live_server, offices):
    office = offices[1]
    groups = service_groups()
    officer = _officer(office, [groups["benefits"]], username="quay-hen")
    citizen = UserFactory(citizen=True)
    with time_machine.travel(MONDAY, tick=True):
        slot = Slot.objects.create(
            office=office,
            group=groups["benefits"],
            starts_at=MONDAY + dt.timedelta(minutes=30),
            capacity=1,
        )
        login(citizen.national_id, PASSWORD)
        page.goto(f"/queue/appointments/?office={office.pk}&group={groups['benefits'].pk}")
        page.locator(f"input[name=slot][value='{slot.pk}']").check()
        page.get_by_test_id("book").click()
        code = page.get_by_test_id("booking-code").inner_text()
        assert len(code) == 8

    with time_machine.travel(MONDAY + dt.timedelta(minutes=10), tick=True):
        walk_in = ticket_issue(office=office, group=groups["benefits"])
        kiosk = _second_page(page, live_server)
        kiosk.goto(f"/queue/o/{office.pk}/kiosk/")
        kiosk.get_by_label(_vi("Booking code")).fill(code.lower())
        kiosk.get_by_test_id("check-in").click()
        expect(kiosk.get_by_test_id("ticket-number")).to_have_text("2002")

    kiosk.context.close()
    counter = Counter.objects.get(office=office, number=1)
    Counter.objects.filter(pk=counter.pk).update(officer=officer)
    counter.refresh_from_db()
    with time_machine.travel(MONDAY + dt.timedelta(minutes=31), tick=False):
        # At its time the appointment goes first, before the earlier walk-in.
        assert ticket_call_next(counter=counter, officer=officer).number == 2002
        assert ticket_call_next(counter=counter, officer=officer) == walk_in


def test_phone_page_follows_its_position(page, live_server, offices):
    office = offices[1]
    groups = service_groups()
    officer = _officer(office, [groups["health-insurance"]], username="quay-dt")
    counter = Counter.objects.get(office=office, number=1)
    Counter.objects.filter(pk=counter.pk).update(officer=officer)
    counter.refresh_from_db()
    first = ticket_issue(office=office, group=groups["health-insurance"])
    mine = ticket_issue(office=office, group=groups["health-insurance"])
    assert first.number == 1001
    page.goto(f"/queue/t/{mine.reference}/")
    expect(page.get_by_test_id("phone-ahead")).to_have_text("1")
    ticket_call_next(counter=counter, officer=officer)
    expect(page.get_by_test_id("phone-ahead")).to_have_text("0", timeout=8000)
    ticket_call_next(counter=counter, officer=officer)
    expect(page.get_by_test_id("phone-called")).to_contain_text("1", timeout=8000)
