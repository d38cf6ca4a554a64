"""The queue's pages: kiosk → printed ticket → phone page; the officer's panel; the board."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from queues.models import OfficeQueue, Ticket
from queues.services import ticket_issue
from tests.dossiers.test_counter_desk import walk_in_draft
from tests.dossiers.test_intake_services import paper_lines

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=HCM)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_kiosk_gives_a_printable_ticket_and_a_phone_page(client, office, groups, counter):
    ticket_issue(office=office, group=groups["benefits"])
    page = client.get(reverse("queues:kiosk", args=[office.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("queues:kiosk", args=[office.pk]),
        {"k-group": groups["benefits"].pk, "k-priority": "elderly"},
    )
    ticket = Ticket.objects.get(priority="elderly")
    assert response.url == reverse("queues:ticket_print", args=[ticket.reference])
    printed = client.get(response.url).content.decode()
    assert "2002" in printed
    assert "data:image/svg+xml" in printed  # the QR code to the phone page
    # Priority: nobody is ahead of the elderly visitor.
    status = client.get(reverse("queues:ticket_status", args=[ticket.reference]))
    assert 'data-testid="phone-ahead">0<' in status.content.decode()
    pdf = client.get(reverse("queues:ticket_pdf", args=[ticket.reference]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_kiosk_bad_input_gets_a_field_message_not_a_500(client, office, groups):
    url = reverse("queues:kiosk", args=[office.pk])
    response = client.post(url, {"k-group": "99999"})
    assert response.status_code == 400
    assert "Choose one of the service groups" in response.content.decode() or "nhóm" in (
        response.content.decode()
    )
    OfficeQueue.objects.filter(office=office).update(is_open=False)
    response = client.post(url, {"k-group": groups["benefits"].pk})
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert client.get(reverse("queues:kiosk", args=[999999])).status_code == 404


def test_board_answers_304_while_nothing_changed(client, office, groups, counter):
    url = reverse("queues:board_state", args=[office.pk])
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ticket_issue(office=office, group=groups["benefits"])
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "2001" in changed.content.decode()


def test_officer_calls_the_ticket_and_the_dossier_received_records_it(
    client, office, groups, catalogue, officer
):
    from dossiers.services import dossier_counter_receive
    from queues.models import Counter

    counter = Counter.objects.create(office=office, number=3)
    counter.groups.set([groups["benefits"]])
    with time_machine.travel(MONDAY - dt.timedelta(minutes=12), tick=False):
        ticket = ticket_issue(office=office, group=groups["benefits"])
    client.force_login(officer)
    client.post(reverse("queues:counter"), {"counter": counter.pk})
    client.post(reverse("queues:counter_act", args=["call-next"]))
    page = client.get(reverse("queues:counter")).content.decode()
    assert 'data-testid="current-number">2001<' in page
    board = client.get(reverse("queues:board_state", args=[office.pk])).content.decode()
    assert 'data-announce-number="2001"' in board
    assert 'data-announce-counter="3"' in board

    draft = walk_in_draft(catalogue, officer)
    dossier = dossier_counter_receive(dossier=draft, officer=officer, receipts=paper_lines(draft))
    ticket.refresh_from_db()
    assert ticket.dossier_id == dossier.pk
    assert ticket.state == "serving"
    assert ticket.wait == dt.timedelta(minutes=12)
    with time_machine.travel(MONDAY + dt.timedelta(minutes=7), tick=False):
        client.post(reverse("queues:counter_act", args=["finish"]))
    visit = dossier.queue_tickets.get()
    assert visit.service_time == dt.timedelta(minutes=7)
    assert visit.served_by == officer
    detail = client.get(reverse("dossiers:detail", args=[dossier.reference])).content.decode()
    assert 'data-testid="visit-wait">12 ' in detail


def test_counter_panel_recall_no_show_transfer_and_pause(client, office, groups, officer):
    from queues.models import Counter

    counter = Counter.objects.create(office=office, number=4)
    counter.groups.set([groups["benefits"], groups["collection"]])
    ticket_issue(office=office, group=groups["benefits"])
    ticket_issue(office=office, group=groups["benefits"])
    client.force_login(officer)
    client.post(reverse("queues:counter"), {"counter": counter.pk})
    act = lambda action, **data: client.post(  # noqa: E731
        reverse("queues:counter_act", args=[action]), data, follow=True
    )
    act("call-next")
    too_early = act("no-show").content.decode()
    assert "message-error" in too_early
    act("recall")
    act("recall")
    act("no-show")
    assert Ticket.objects.get(number=2001).state == "no_show"
    act("call-next")
    act("transfer", group=groups["collection"].pk)
    moved = Ticket.objects.get(group=groups["collection"])
    assert (moved.number, moved.transferred_from.number) == (4001, 2002)
    act("pause")
    paused = act("call-next").content.decode()
    assert "message-error" in paused
    assert Ticket.objects.get(pk=moved.pk).state == "waiting"
    assert act("unknown-action").status_code == 404


def test_leader_sees_the_office_live_and_closes_a_counter(client, office, groups, counter):
    from tests.factories import UserFactory

    leader = UserFactory(office_leader=True, office=office, username="truong")
    with time_machine.travel(MONDAY - dt.timedelta(minutes=20), tick=False):
        ticket_issue(office=office, group=groups["benefits"])
    client.force_login(leader)
    page = client.get(reverse("queues:live")).content.decode()
    assert 'data-testid="live-longest">20 ' in page
    assert 'data-testid="live-open">1<' in page
    client.post(reverse("queues:live_counter", args=[counter.pk]), {"open": "0"})
    counter.refresh_from_db()
    assert (counter.is_open, counter.officer_id) == (False, None)
    client.force_login(UserFactory(counter_officer=True, office=office, username="khac"))
    assert client.get(reverse("queues:live")).status_code == 404


def test_a_second_remote_ticket_gets_a_field_message(client, office, groups):
    from tests.factories import UserFactory

    citizen = UserFactory(citizen=True)
    client.force_login(citizen)
    url = reverse("queues:remote", args=[office.pk])
    first = client.post(url, {"group": groups["benefits"].pk})
    assert first.status_code == 302
    second = client.post(url, {"group": groups["benefits"].pk})
    assert second.status_code == 400
    assert 'data-testid="remote-error"' in second.content.decode()
    assert client.post(url, {"group": "x"}).status_code == 400


def test_leader_moves_officers_between_counters(client, office, groups, counter, officer):
    from queues.constants import CounterEventKind
    from queues.models import Counter, CounterEvent
    from tests.factories import UserFactory
    from tests.queues.conftest import make_counter

    leader = UserFactory(office_leader=True, office=office, username="truong")
    second = make_counter(office, 2, [groups["benefits"]])
    client.force_login(leader)
    page = client.get(reverse("queues:live")).content.decode()
    assert 'data-testid="move-officer-2"' in page

    def move(target, officer_id):
        url = reverse("queues:live_counter_officer", args=[target.pk])
        return client.post(url, {"officer": officer_id}, follow=True).content.decode()

    moved = move(second, officer.pk)
    assert "quầy 2" in moved or "counter 2" in moved
    assert Counter.objects.get(pk=counter.pk).officer_id is None
    assert Counter.objects.get(pk=second.pk).officer_id == officer.pk
    assert list(
        CounterEvent.objects.order_by("pk").values_list("counter__number", "kind", "actor")
    ) == [(1, CounterEventKind.REMOVED, leader.pk), (2, CounterEventKind.ASSIGNED, leader.pk)]

    # A ticket being served at the counter: the officer stays until it is finished.
    from queues.services import ticket_call_next

    ticket_issue(office=office, group=groups["benefits"])
    ticket_call_next(counter=second, officer=officer)
    refused = move(counter, officer.pk)
    assert "message-error" in refused
    assert Counter.objects.get(pk=second.pk).officer_id == officer.pk
    assert "message-error" in move(second, "")

    # Someone from another office cannot be put at a counter here; a closed counter takes nobody.
    stranger = UserFactory(counter_officer=True, username="khac")
    assert "message-error" in move(counter, stranger.pk)
    client.post(reverse("queues:live_counter", args=[counter.pk]), {"open": "0"})
    other = UserFactory(counter_officer=True, office=office, username="quay9")
    assert "message-error" in move(counter, other.pk)
    assert Counter.objects.get(pk=counter.pk).officer_id is None

    # Taking an officer off a free counter.
    client.post(reverse("queues:live_counter", args=[counter.pk]), {"open": "1"})
    move(counter, other.pk)
    assert Counter.objects.get(pk=counter.pk).officer_id == other.pk
    move(counter, "")
    assert Counter.objects.get(pk=counter.pk).officer_id is None

    # Only a leader of the office.
    client.force_login(officer)
    url = reverse("queues:live_counter_officer", args=[counter.pk])
    assert client.post(url, {"officer": other.pk}).status_code == 404
