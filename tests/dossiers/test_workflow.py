"""Workflow behaviour: races, the stopped clock, apologies, assignment, the worklist."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connections
from django.utils import translation

from accounts.constants import Role
from dossiers.constants import DossierState as S
from dossiers.constants import Timeliness
from dossiers.exceptions import DossierConflict, DossierError, NotAllowed
from dossiers.models import Dossier
from dossiers.services import (
    dossier_apologise,
    dossier_decide,
    dossier_request_supplement,
    dossier_return_result,
    dossier_supply,
    dossier_take_next,
    dossier_timeliness,
    statutory_due,
    timeliness_at,
)
from dossiers.worklist import WorklistQuery, worklist
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def staff(offices):
    hn = offices[1]
    return {
        "counter": UserFactory(username="w-counter", role=Role.COUNTER_OFFICER, office=hn),
        "officer": UserFactory(username="w-officer", role=Role.PROCESSING_OFFICER, office=hn),
        "officer2": UserFactory(username="w-officer2", role=Role.PROCESSING_OFFICER, office=hn),
        "leader": UserFactory(username="w-leader", role=Role.OFFICE_LEADER, office=hn),
    }


@pytest.mark.django_db
def test_stale_page_gets_a_conflict(catalogue, offices, staff):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
    )
    shown_revision = dossier.revision
    dossier_request_supplement(
        dossier=dossier,
        actor=staff["officer"],
        reason="Thiếu",
        items=["Giấy ra viện"],
        revision=shown_revision,
    )
    with pytest.raises(DossierConflict):
        dossier_supply(dossier=dossier, actor=staff["counter"], revision=shown_revision)
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUPPLEMENT_REQUESTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real row-lock race needs PostgreSQL; CI runs it there",
)
def test_two_officers_at_once_exactly_one_succeeds(catalogue, offices, staff):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.SUBMITTED, office=offices[1]
    )
    revision = dossier.revision
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user):
        from dossiers.services import dossier_accept, dossier_refuse

        try:
            barrier.wait(timeout=10)
            if user.username == "w-counter":
                dossier_accept(dossier=dossier, officer=user, revision=revision)
            else:
                dossier_refuse(dossier=dossier, officer=user, reason="Sai", revision=revision)
            outcomes.append("ok")
        except DossierConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(staff[k],)) for k in ("counter", "officer")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.state in (S.RECEIVED, S.REFUSED)
    assert fresh.events.filter(kind="transition").count() == 1


@pytest.mark.django_db
def test_clock_stops_while_a_supplement_is_awaited(catalogue, offices, staff):
    # Due Friday 27 Nov 2026 16:00. Supplement asked Wed 25 Nov 10:00, supplied Mon 30 Nov
    # 10:00: the clock stood still for Wed 10-17 (7h), Thu (9h), Fri (9h), Mon 8-10 (2h) =
    # 27 office hours = 3 working days, so the new due time is Wed 2 Dec 16:00.
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
        due_at=at(2026, 11, 27, 16),
    )
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        dossier = dossier_request_supplement(
            dossier=dossier,
            actor=staff["officer"],
            reason="Thiếu giấy ra viện",
            items=["Giấy ra viện"],
        )
    assert dossier.clock_paused_at == at(2026, 11, 25, 10)
    with time_machine.travel(at(2026, 11, 30, 10), tick=False):
        dossier = dossier_supply(dossier=dossier, actor=staff["counter"])
    assert dossier.state == S.IN_PROCESSING
    assert dossier.clock_paused_at is None
    assert dossier.due_at == at(2026, 12, 2, 16)


@pytest.mark.django_db
def test_late_result_needs_an_apology_first_and_stays_late(catalogue, offices, staff):
    # Statutory date Tue 1 Dec 2026 16:00; on Wed 2 Dec the leader apologises with Fri 4 Dec
    # as the new date and the result goes out on Thu 3 Dec: a day before the apologised date,
    # but two days after the statutory one, so the dossier is late (never "early").
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.PROCESSED,
        office=offices[1],
        assigned_to=staff["officer"],
        due_at=at(2026, 12, 1, 16),
        original_due_at=at(2026, 12, 1, 16),
    )
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        with translation.override("en"), pytest.raises(DossierError, match="apology"):
            dossier_return_result(dossier=dossier, officer=staff["counter"], delivery="counter")
        assert Dossier.objects.get(pk=dossier.pk).state == S.PROCESSED
        dossier = dossier_apologise(
            dossier=dossier,
            actor=staff["leader"],
            reason="Chờ xác minh",
            new_due_at=at(2026, 12, 4, 16),
        )
    assert dossier.apology_issued_at is not None
    assert dossier.due_at == at(2026, 12, 4, 16)
    assert dossier.statutory_due_at == at(2026, 12, 1, 16)  # the apology does not move it
    with time_machine.travel(at(2026, 12, 3, 10), tick=False):
        returned = dossier_return_result(
            dossier=dossier,
            officer=staff["counter"],
            delivery="post",
            tracking_number="EE123456789VN",
        )
    assert returned.state == S.RETURNED
    assert returned.timeliness == Timeliness.LATE  # against the statutory date
    assert returned.post_tracking_number == "EE123456789VN"
    assert returned.handovers.get(step="return").result == Timeliness.LATE


@pytest.mark.django_db
def test_hand_overs_after_the_statutory_date_are_late_despite_an_apology(catalogue, offices, staff):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.APPRAISAL,
        office=offices[1],
        assigned_to=staff["officer"],
        due_at=at(2026, 12, 1, 16),
    )
    with time_machine.travel(at(2026, 12, 1, 17), tick=False):
        dossier = dossier_apologise(
            dossier=dossier, actor=staff["leader"], reason="Chờ", new_due_at=at(2026, 12, 8, 16)
        )
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        dossier = dossier_decide(
            dossier=dossier,
            officer=staff["officer"],
            outcome="approved",
            decision_text="Đồng ý",
        )
    # The control sheet's "result" column reads this hand-over result.
    assert dossier.handovers.get(step="decide").result == Timeliness.LATE
    assert dossier_timeliness(dossier, now=at(2026, 12, 2, 9)) == Timeliness.LATE


def _supplied_after_three_working_days(catalogue, offices, staff):
    """Statutory date Fri 27 Nov 16:00; a supplement asked Wed 25 Nov 10:00 and supplied
    Mon 30 Nov 10:00: the clock stopped for 3 working days."""
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
        due_at=at(2026, 11, 27, 16),
        original_due_at=at(2026, 11, 27, 16),
    )
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        dossier = dossier_request_supplement(
            dossier=dossier, actor=staff["officer"], reason="Thiếu", items=["Giấy ra viện"]
        )
    with time_machine.travel(at(2026, 11, 30, 10), tick=False):
        return dossier_supply(dossier=dossier, actor=staff["counter"])


@pytest.mark.django_db
def test_a_supplement_moves_the_statutory_date_but_an_apology_does_not(catalogue, offices, staff):
    # Statutory date Fri 27 Nov 16:00. Supplement asked Wed 25 Nov 10:00, supplied Mon 30 Nov
    # 10:00 (3 working days stopped): the statutory date becomes Wed 2 Dec 16:00. An apology
    # on Wed 2 Dec 17:00 gives Mon 7 Dec; the result returned Fri 4 Dec is late, one returned
    # Wed 2 Dec before 16:00 would have been on time.
    dossier = _supplied_after_three_working_days(catalogue, offices, staff)
    assert dossier.statutory_due_at == at(2026, 12, 2, 16)
    assert dossier.original_due_at == at(2026, 11, 27, 16)
    assert timeliness_at(at(2026, 12, 2, 15), statutory_due(dossier)) == Timeliness.ON_TIME
    with time_machine.travel(at(2026, 12, 2, 17), tick=False):
        dossier = dossier_apologise(
            dossier=dossier, actor=staff["leader"], reason="Chờ", new_due_at=at(2026, 12, 7, 16)
        )
    assert dossier.statutory_due_at == at(2026, 12, 2, 16)
    Dossier.objects.filter(pk=dossier.pk).update(state=S.PROCESSED, outcome="approved")
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        returned = dossier_return_result(
            dossier=Dossier.objects.get(pk=dossier.pk),
            officer=staff["counter"],
            delivery="counter",
        )
    assert returned.timeliness == Timeliness.LATE


@pytest.mark.django_db
def test_returned_within_a_supplement_extended_statutory_date_is_on_time(catalogue, offices, staff):
    dossier = _supplied_after_three_working_days(catalogue, offices, staff)
    Dossier.objects.filter(pk=dossier.pk).update(state=S.PROCESSED, outcome="approved")
    with time_machine.travel(at(2026, 12, 2, 15), tick=False):
        returned = dossier_return_result(
            dossier=Dossier.objects.get(pk=dossier.pk),
            officer=staff["counter"],
            delivery="counter",
        )
    assert returned.timeliness == Timeliness.ON_TIME  # no apology needed, not late


@pytest.mark.django_db
def test_apology_date_must_be_later(catalogue, offices, staff):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
    )
    with pytest.raises(DossierError):
        dossier_apologise(
            dossier=dossier,
            actor=staff["officer"],
            reason="x",
            new_due_at=dossier.due_at - dt.timedelta(hours=1),
        )


def test_timeliness_rules():
    due = at(2026, 12, 2, 16)
    assert timeliness_at(at(2026, 12, 1, 9), due) == Timeliness.EARLY
    assert timeliness_at(at(2026, 12, 2, 15), due) == Timeliness.ON_TIME
    assert timeliness_at(at(2026, 12, 2, 16, 1), due) == Timeliness.LATE


@pytest.mark.django_db
def test_take_next_assigns_the_dossier_due_first(catalogue, offices, staff):
    procedure = catalogue["sickness-benefit"]
    later = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1], due_in_days=6)
    first = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1], due_in_days=2)
    make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[79], due_in_days=1)
    taken = dossier_take_next(officer=staff["officer"])
    assert taken.pk == first.pk
    assert taken.state == S.IN_PROCESSING
    assert taken.assigned_to == staff["officer"]
    assert taken.handovers.get().received_by == staff["officer"]
    assert dossier_take_next(officer=staff["officer2"]).pk == later.pk
    assert dossier_take_next(officer=staff["officer2"]) is None


@pytest.mark.django_db
def test_worklist_tabs_filters_search_and_query_count(
    catalogue, offices, staff, django_assert_num_queries
):
    procedure = catalogue["sickness-benefit"]
    mine = make_dossier(
        procedure=procedure,
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
        applicant_name="Trần Thị Lan",
    )
    overdue = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1], due_in_days=-1)
    make_dossier(procedure=procedure, state=S.RETURNED, office=offices[1])
    make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[79])  # other office
    officer = staff["officer"]
    with django_assert_num_queries(2):
        page = worklist(user=officer, query=WorklistQuery(tab="open"))
        [row.procedure.name_vi for row in page.rows]
        [row.assigned_to for row in page.rows]
    assert [d.pk for d in page.rows] == [overdue.pk, mine.pk]  # sorted by due date
    assert page.counts["open"] == 2
    assert page.counts["mine"] == 1
    assert page.counts["unassigned"] == 1
    assert page.counts["overdue"] == 1
    assert page.counts["closed"] is None  # counted only on its own tab (see docs/benchmarks.md)
    closed = worklist(user=officer, query=WorklistQuery(tab="closed"))
    assert closed.counts["closed"] == 1
    assert [d.state for d in closed.rows] == [S.RETURNED]
    assert [d.pk for d in worklist(user=officer, query=WorklistQuery(tab="mine")).rows] == [mine.pk]
    found = worklist(user=officer, query=WorklistQuery(tab="open", q="lan"))
    assert [d.pk for d in found.rows] == [mine.pk]
    by_code = worklist(user=officer, query=WorklistQuery(tab="open", q=overdue.code))
    assert [d.pk for d in by_code.rows] == [overdue.pk]


@pytest.mark.django_db
def test_worklist_search_spans_every_tab_and_says_where_each_hit_is(
    catalogue, offices, staff, django_assert_num_queries
):
    procedure = catalogue["sickness-benefit"]
    received = make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1])
    returned = make_dossier(
        procedure=procedure, state=S.RETURNED, office=offices[1], applicant_name="Đỗ Thị Lan"
    )
    mine = make_dossier(
        procedure=procedure,
        state=S.IN_PROCESSING,
        office=offices[1],
        assigned_to=staff["officer"],
        applicant_name="Trần Thị Lan",
    )
    officer = staff["officer"]

    # Searched from the officer's own tab, a dossier waiting in "unassigned" is found.
    with django_assert_num_queries(2):  # as a tab: the counts, then the rows
        by_code = worklist(user=officer, query=WorklistQuery(tab="mine", q=received.code))
    assert [d.pk for d in by_code.rows] == [received.pk]
    assert by_code.rows[0].tabs == ["open", "unassigned"]

    # A closed dossier is found by its code; a name search spans the open tabs (no index
    # serves a name over an office's whole history).
    by_returned_code = worklist(user=officer, query=WorklistQuery(tab="mine", q=returned.code))
    assert [(d.pk, d.tabs) for d in by_returned_code.rows] == [(returned.pk, ["closed"])]
    assert by_returned_code.counts["closed"] == 1
    by_name = worklist(user=officer, query=WorklistQuery(tab="mine", q="lan"))
    assert {d.pk: d.tabs for d in by_name.rows} == {mine.pk: ["open", "mine"]}
    assert by_name.counts["closed"] is None
    assert by_name.filters.tab == "search"


@pytest.mark.django_db
def test_worklist_page_search_shows_the_tab_of_each_hit(client, catalogue, offices, staff):
    received = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.RECEIVED, office=offices[1]
    )
    client.force_login(staff["officer"])

    page = client.get("/dossiers/worklist/", {"tab": "mine", "q": received.code}).text

    assert 'data-testid="search-heading"' in page
    assert received.code in page
    assert 'data-testid="found-in"' in page


@pytest.mark.django_db
def test_reception_staff_start_on_new_online_submissions(client, catalogue, offices, staff):
    procedure = catalogue["sickness-benefit"]
    # Many received dossiers fall due before the new submission does.
    for _ in range(3):
        make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1], due_in_days=1)
    submitted = make_dossier(
        procedure=procedure, state=S.SUBMITTED, office=offices[1], due_in_days=5
    )
    to_return = make_dossier(
        procedure=procedure, state=S.PROCESSED, office=offices[1], due_in_days=2
    )
    client.force_login(staff["counter"])

    response = client.get("/dossiers/worklist/")

    assert response.context["page"].filters.tab == "reception"
    assert [d.pk for d in response.context["page"].rows] == [to_return.pk, submitted.pk]
    assert response.context["page"].counts["reception"] == 2


@pytest.mark.django_db
def test_worklist_keyset_pagination_visits_every_row_once(catalogue, offices, staff):
    procedure = catalogue["sickness-benefit"]
    created = {
        make_dossier(procedure=procedure, state=S.RECEIVED, office=offices[1], due_in_days=3).pk
        for _ in range(7)
    }
    seen, cursor = [], ""
    while True:
        page = worklist(
            user=staff["leader"], query=WorklistQuery(tab="open", after=cursor), limit=3
        )
        seen.extend(d.pk for d in page.rows)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


@pytest.mark.django_db
def test_the_officer_prepares_the_apology_and_the_leader_signs_it_on_the_page(
    catalogue, offices, staff, client, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=S.IN_PROCESSING,
            office=offices[1],
            assigned_to=staff["officer"],
            due_in_days=1,
        )
    url = f"/dossiers/d/{dossier.reference}/"
    form = {"new_due": "2026-12-08T10:00", "reason": "Chờ xác minh với đơn vị cũ"}

    client.force_login(staff["officer"])
    with (
        time_machine.travel(at(2026, 12, 2, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(f"{url}act/apologise/", {**form, "revision": dossier.revision})
        page = client.get(url).content.decode()
    prepared = Dossier.objects.get(pk=dossier.pk)
    assert prepared.due_at == dossier.due_at  # nothing moves before the leader signs
    assert not prepared.slips.exists()
    assert 'data-testid="apology-prepared"' in page
    assert staff["officer"].display_name in page
    # The office's leaders are told a letter awaits their signature.
    from notifications.models import Notification

    told = Notification.objects.get(recipient=staff["leader"], channel="inbox")
    assert told.subject == f"Hồ sơ {dossier.code}: phiếu xin lỗi chờ lãnh đạo ký"
    assert "08/12/2026" in told.body

    client.force_login(staff["leader"])
    with time_machine.travel(at(2026, 12, 2, 11), tick=False):
        page = client.get(url).content.decode()
    assert "Ký và phát hành phiếu xin lỗi" in page
    assert 'value="2026-12-08T10:00"' in page  # prefilled from what the officer prepared
    with (
        time_machine.travel(at(2026, 12, 2, 11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(f"{url}act/apologise/", {**form, "revision": prepared.revision})
    signed = Dossier.objects.get(pk=dossier.pk)
    assert signed.due_at == at(2026, 12, 8, 10)
    assert signed.apology_issued_at == at(2026, 12, 2, 11)
    letter = signed.slips.get(kind="apology")
    assert letter.event.actor == staff["leader"]
    assert letter.event.payload["prepared_by_id"] == staff["officer"].pk


@pytest.mark.django_db
def test_an_officer_takes_a_received_dossier_from_its_page(client, catalogue, offices, staff):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.RECEIVED, office=offices[1]
    )
    client.force_login(staff["officer"])

    page = client.get(f"/dossiers/d/{dossier.reference}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert 'data-testid="action-take"' in page
    assert "no officer has taken it yet" in page

    response = client.post(
        f"/dossiers/d/{dossier.reference}/act/take/", {"revision": dossier.revision}
    )

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.state == S.IN_PROCESSING
    assert dossier.assigned_to == staff["officer"]
    page = client.get(f"/dossiers/d/{dossier.reference}/", HTTP_ACCEPT_LANGUAGE="en").text
    assert 'data-testid="action-take"' not in page
    held_by = page.split('data-testid="held-by">', 1)[1].split("</dd>", 1)[0]
    assert held_by == staff["officer"].display_name


@pytest.mark.django_db
def test_a_taken_dossier_is_not_taken_twice_nor_by_another_office(catalogue, offices, staff):
    from dossiers.services import dossier_take

    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=S.RECEIVED, office=offices[1]
    )
    elsewhere = UserFactory(role=Role.PROCESSING_OFFICER, office=offices[79])
    with pytest.raises(NotAllowed):
        dossier_take(dossier=dossier, officer=elsewhere)
    with pytest.raises(NotAllowed):
        dossier_take(dossier=dossier, officer=staff["leader"])

    dossier_take(dossier=dossier, officer=staff["officer"])
    with pytest.raises(DossierError):
        dossier_take(dossier=dossier, officer=staff["officer2"])
    dossier.refresh_from_db()
    assert dossier.assigned_to == staff["officer"]
    assert dossier.handovers.get().received_by == staff["officer"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.SUBMITTED, "to be received"),
        (S.SUPPLEMENT_REQUESTED, "the supplement is awaited"),
        (S.AWAITING_SIGNATURE, "awaiting signature"),
        (S.PROCESSED, "the result is to be returned"),
        (S.RETURNED, None),
    ],
)
def test_the_page_says_who_holds_the_dossier(client, catalogue, offices, staff, state, expected):
    dossier = make_dossier(procedure=catalogue["sickness-benefit"], state=state, office=offices[1])
    client.force_login(staff["counter"])

    page = client.get(f"/dossiers/d/{dossier.reference}/", HTTP_ACCEPT_LANGUAGE="en").text

    if expected is None:
        assert 'data-testid="held-by"' not in page
    else:
        assert expected in page.split('data-testid="held-by">', 1)[1].split("</dd>", 1)[0]
