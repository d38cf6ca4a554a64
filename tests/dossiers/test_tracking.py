"""Public tracking (code + last 4 ID digits, or the slip's QR link) and predicted dates."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dossiers.constants import CODE_MAX_LENGTH, DossierState
from dossiers.models import Dossier
from dossiers.prediction import (
    HISTORY_DAYS,
    MIN_SAMPLES,
    predicted_completion,
    predicted_completions,
    typical_processing_seconds,
)
from dossiers.selectors import tracking_url
from dossiers.services import dossier_request_supplement, event_append
from dossiers.tracking import (
    ATTEMPTS_PER_WINDOW,
    CODE_ATTEMPTS_PER_WINDOW,
    TooManyAttempts,
    find_tracked,
    rate_limited,
    tracked_lookup,
    tracking_token,
)
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory
from workdays.services import add_working_seconds, working_seconds_between

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = "0912345678"
UNKNOWN_CODE = "000.00.01.G12-261124-9999"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hanoi(offices):
    return offices[1]


@pytest.fixture
def dossier(catalogue, hanoi, citizen):
    tracked = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.IN_PROCESSING,
        office=hanoi,
        applicant=citizen,
        applicant_phone=PHONE,
        applicant_email="an@example.vn",
    )
    event_append(
        dossier=tracked,
        kind="transition",
        actor=None,
        from_state="submitted",
        to_state="received",
        citizen_visible=True,
    )
    event_append(
        dossier=tracked,
        kind="transition",
        actor=None,
        from_state="received",
        to_state="in_processing",
        reason="Internal note about the applicant",
        citizen_visible=False,
    )
    return tracked


def _vi(text: str) -> str:
    """An interface string as the Vietnamese page shows it."""
    with translation.override("vi"):
        return translation.gettext(text)


def _post(client, code, last4, **extra):
    return client.post(reverse("tracking:track"), {"code": code, "id_last4": last4}, **extra)


def _normalised(html: str, *codes: str) -> str:
    """The page without what legitimately differs: CSRF tokens and the code typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r"\?t=[^\"]*", "", html)  # the language switch returns to the URL typed
    for code in codes:
        html = html.replace(code, "CODE")
    return html


# --- finding a dossier -------------------------------------------------------------------


def test_find_tracked_by_id_digits_or_token_only(dossier):
    assert find_tracked(code=dossier.code, id_last4="2345") == dossier
    assert find_tracked(code=f"  {dossier.code.lower()} ", id_last4="2345") == dossier
    assert find_tracked(code=dossier.code, token=tracking_token(dossier.code)) == dossier
    assert find_tracked(code=dossier.code, id_last4="2346") is None
    assert find_tracked(code=dossier.code, id_last4="12345") is None
    assert find_tracked(code=dossier.code) is None
    assert find_tracked(code=dossier.code, token=tracking_token(UNKNOWN_CODE)) is None
    assert find_tracked(code=dossier.code, token=tracking_token(dossier.code) + "x") is None
    assert find_tracked(code=UNKNOWN_CODE, id_last4="2345") is None


def test_a_dossier_without_an_id_number_is_not_found_by_digits(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(applicant_national_id="")

    assert find_tracked(code=dossier.code, id_last4="2345") is None
    assert find_tracked(code=dossier.code, token=tracking_token(dossier.code)) == dossier


# --- the page ----------------------------------------------------------------------------


def test_tracking_by_code_and_digits_shows_progress_and_a_masked_name_only(client, dossier):
    response = _post(client, dossier.code, "2345")

    assert response.status_code == 200
    page = response.text
    assert 'data-testid="tracked-dossier"' in page
    assert "N***** V** A*" in page
    with translation.override("vi"):
        assert str(DossierState.IN_PROCESSING.label) in page
    for personal in ("Nguyễn Văn An", "001090012345", PHONE, "an@example.vn"):
        assert personal not in page
    # Citizen-visible events only, without reasons.
    timeline = re.search(r'data-testid="track-timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.count("<li>") == 1
    assert "Internal note" not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_tracking_by_the_qr_link_of_the_slip(client, dossier):
    url = tracking_url(dossier)
    path = url.split("://", 1)[1].split("/", 1)[1]

    response = client.get("/" + path)

    assert response.status_code == 200
    assert 'data-testid="tracked-dossier"' in response.text
    assert "N***** V** A*" in response.text
    assert "001090012345" not in response.text


def test_wrong_digits_and_unknown_code_get_the_same_not_found_page(client, dossier):
    wrong = _post(client, dossier.code, "9999")
    unknown = _post(client, UNKNOWN_CODE, "9999")

    assert wrong.status_code == unknown.status_code == 404
    assert 'data-testid="track-error"' in wrong.text
    assert 'data-testid="tracked-dossier"' not in wrong.text
    assert _normalised(wrong.text, dossier.code) == _normalised(unknown.text, UNKNOWN_CODE)


def test_a_bad_or_borrowed_token_is_the_same_not_found_page(client, dossier, catalogue, hanoi):
    other = make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=hanoi
    )
    base = reverse("tracking:track_code", args=[dossier.code])

    forged = client.get(base + "?t=forged")
    borrowed = client.get(base + f"?t={tracking_token(other.code)}")
    unknown = client.get(
        reverse("tracking:track_code", args=[UNKNOWN_CODE]) + f"?t={tracking_token(UNKNOWN_CODE)}"
    )

    assert forged.status_code == borrowed.status_code == unknown.status_code == 404
    assert "N***** V** A*" not in forged.text + borrowed.text
    assert _normalised(forged.text, dossier.code) == _normalised(unknown.text, UNKNOWN_CODE)
    assert _normalised(borrowed.text, dossier.code) == _normalised(forged.text, dossier.code)


def test_the_code_link_without_a_token_shows_the_form_with_the_code(client, dossier):
    response = client.get(reverse("tracking:track_code", args=[dossier.code]))

    assert response.status_code == 200
    assert f'value="{dossier.code}"' in response.text
    assert 'data-testid="tracked-dossier"' not in response.text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "", "id_last4": "2345"}, "code"),
        ({"code": "X", "id_last4": "234"}, "id_last4"),
        ({"code": "X", "id_last4": "abcd"}, "id_last4"),
        ({"code": "X" * (CODE_MAX_LENGTH + 1), "id_last4": "2345"}, "code"),
    ],
)
def test_bad_input_gets_field_messages(client, data, field):
    response = client.post(reverse("tracking:track"), data)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text


def test_a_supplement_request_is_announced_without_its_details(client, dossier, hanoi):
    officer = UserFactory(role="processing_officer", office=hanoi)
    Dossier.objects.filter(pk=dossier.pk).update(assigned_to=officer)
    dossier_request_supplement(
        dossier=Dossier.objects.get(pk=dossier.pk),
        actor=officer,
        reason="Thiếu giấy ra viện",
        items=["Giấy ra viện của ông An"],
    )

    page = _post(client, dossier.code, "2345").text

    assert 'data-testid="track-supplement"' in page
    assert "Giấy ra viện" not in page


def test_an_apology_is_named_on_the_public_timeline(client, dossier, hanoi):
    from dossiers.services import dossier_apologise

    officer = UserFactory(role="processing_officer", office=hanoi)
    Dossier.objects.filter(pk=dossier.pk).update(assigned_to=officer)
    for actor in (officer, UserFactory(role="office_leader", office=hanoi)):  # prepare, sign
        dossier_apologise(
            dossier=Dossier.objects.get(pk=dossier.pk),
            actor=actor,
            reason="Cần xác minh thêm với ông An",
            new_due_at=dossier.due_at + dt.timedelta(days=2),
        )

    page = _post(client, dossier.code, "2345").text

    timeline = re.search(r'data-testid="track-timeline">(.*?)</ol>', page, re.S).group(1)
    assert _vi("Apology with a new return date") in timeline
    assert "xác minh" not in page  # reasons stay off the public page


# --- rate limiting -------------------------------------------------------------------------


def test_failed_attempts_are_limited_per_client(client, dossier):
    for _ in range(ATTEMPTS_PER_WINDOW):
        assert _post(client, dossier.code, "0000").status_code == 404

    blocked = _post(client, dossier.code, "2345")
    assert blocked.status_code == 429
    assert 'data-testid="tracked-dossier"' not in blocked.text
    # The QR path is limited for this client too.
    qr = client.get(reverse("tracking:track_code", args=[dossier.code]) + "?t=x")
    assert qr.status_code == 429
    # Another client still gets through.
    assert _post(client, dossier.code, "2345", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_bad_tokens_count_as_failed_attempts(client, dossier):
    url = reverse("tracking:track_code", args=[dossier.code])
    for _ in range(ATTEMPTS_PER_WINDOW):
        assert client.get(url + "?t=forged").status_code == 404

    assert _post(client, dossier.code, "2345").status_code == 429
    # The slip's real QR link is not a guess: it still shows the dossier.
    assert client.get(url + f"?t={tracking_token(dossier.code)}").status_code == 200


def test_successful_look_ups_do_not_use_up_the_budget(client, dossier):
    for _ in range(ATTEMPTS_PER_WINDOW * 2):
        assert _post(client, dossier.code, "2345").status_code == 200


def test_the_window_passes(client, dossier):
    for _ in range(ATTEMPTS_PER_WINDOW):
        _post(client, dossier.code, "0000")
    assert _post(client, dossier.code, "2345").status_code == 429

    cache.clear()  # locmem keeps real time; emptying the cache is the window ending

    assert _post(client, dossier.code, "2345").status_code == 200


@pytest.mark.parametrize("known", [True, False])
def test_one_code_is_limited_across_clients_whether_or_not_it_exists(dossier, known):
    code = dossier.code if known else UNKNOWN_CODE
    for n in range(CODE_ATTEMPTS_PER_WINDOW):
        assert tracked_lookup(client=f"10.0.{n}.1", code=code, id_last4=f"{n:04d}") is None

    with pytest.raises(TooManyAttempts):
        tracked_lookup(client="10.9.9.9", code=code, id_last4="2345")
    # The slip's signed token cannot be guessed, so it still works for the applicant.
    if known:
        assert tracked_lookup(client="10.9.9.9", code=code, token=tracking_token(code)) == dossier


def _lock_the_code(code):
    for n in range(CODE_ATTEMPTS_PER_WINDOW):
        assert tracked_lookup(client=f"10.0.{n}.1", code=code, id_last4=f"{n:04d}") is None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_locked_code_page_tells_the_owner_how_to_still_follow_it(client, dossier, language):
    _lock_the_code(dossier.code)

    with translation.override(language):
        client.cookies["django_language"] = language
        blocked = _post(client, dossier.code, "2345", HTTP_ACCEPT_LANGUAGE=language)
        escape = translation.gettext(
            "If it is your dossier, you can still follow it now: scan the QR code on your "
            "reception slip, or sign in to your account."
        )
        locked = translation.gettext(
            "Too many wrong attempts were made on this dossier code, so it is locked for an "
            "hour to protect it."
        )

    assert blocked.status_code == 429
    assert 'data-testid="tracked-dossier"' not in blocked.text
    assert locked in blocked.text
    assert escape in blocked.text
    if language == "vi":
        assert "mã QR" in blocked.text
    login = (
        reverse("accounts:login") + "?next=" + reverse("tracking:track_code", args=[dossier.code])
    )
    assert login.replace("/", "%2F").split("?")[1] in blocked.text.replace("/", "%2F")


def test_while_the_code_is_locked_the_qr_link_still_shows_the_dossier(client, dossier):
    _lock_the_code(dossier.code)
    url = reverse("tracking:track_code", args=[dossier.code])

    response = client.get(url + f"?t={tracking_token(dossier.code)}")

    assert response.status_code == 200
    assert 'data-testid="tracked-dossier"' in response.text


def test_while_the_code_is_locked_the_signed_in_owner_still_sees_the_dossier(
    client, dossier, citizen
):
    _lock_the_code(dossier.code)
    client.force_login(citizen)

    by_form = _post(client, dossier.code, "0000")  # even with wrong digits: the account counts
    by_link = client.get(reverse("tracking:track_code", args=[dossier.code]))

    assert by_form.status_code == 200
    assert 'data-testid="tracked-dossier"' in by_form.text
    assert by_link.status_code == 200
    assert 'data-testid="tracked-dossier"' in by_link.text


def test_while_the_code_is_locked_another_account_is_still_refused(client, dossier):
    _lock_the_code(dossier.code)
    client.force_login(UserFactory(citizen=True))

    assert _post(client, dossier.code, "2345").status_code == 429
    link = client.get(reverse("tracking:track_code", args=[dossier.code]))
    assert 'data-testid="tracked-dossier"' not in link.text


def test_rate_limited_shares_the_per_client_budget(client, dossier):
    for _ in range(ATTEMPTS_PER_WINDOW):
        assert rate_limited("127.0.0.1") is False
    assert rate_limited("127.0.0.1") is True

    assert _post(client, dossier.code, "2345").status_code == 429


# --- predicted completion ----------------------------------------------------------------

NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=VN)  # a Tuesday, no holiday near


def _history(catalogue, office, durations_hours, *, procedure="sickness-benefit", ago_days=10):
    """Returned dossiers received on working days before NOW, each taking the given wall
    hours; returns their office-time durations (the reference implementation)."""
    seconds = []
    for n, hours in enumerate(durations_hours):
        received = (NOW - dt.timedelta(days=ago_days + n % 5)).replace(hour=9)
        while received.weekday() >= 5:
            received -= dt.timedelta(days=1)
        returned = received + dt.timedelta(hours=hours)
        make_dossier(
            procedure=catalogue[procedure],
            state=DossierState.RETURNED,
            office=office,
            received_at=received,
            returned_at=returned,
        )
        seconds.append(working_seconds_between(received, returned))
    return seconds


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def open_dossier(catalogue, hanoi, travel):
    return make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.IN_PROCESSING,
        office=hanoi,
        received_at=dt.datetime(2026, 10, 19, 9, 0, tzinfo=VN),
    )


def test_prediction_is_the_median_office_time_counted_from_reception(
    catalogue, hanoi, open_dossier
):
    seconds = _history(catalogue, hanoi, [30, 50, 70, 75, 80, 100, 120, 150, 170, 200, 400])
    median = sorted(seconds)[len(seconds) // 2]

    assert typical_processing_seconds(
        office_id=hanoi.pk, procedure_id=open_dossier.procedure_id
    ) == pytest.approx(median)
    assert predicted_completion(open_dossier) == add_working_seconds(
        open_dossier.received_at, median
    )


def test_no_prediction_without_enough_history(catalogue, hanoi, offices, open_dossier):
    _history(catalogue, hanoi, [100] * (MIN_SAMPLES - 1))
    # Other offices, other procedures and old returns do not count.
    _history(catalogue, offices[79], [100] * MIN_SAMPLES)
    _history(catalogue, hanoi, [100] * MIN_SAMPLES, procedure="convalescence-benefit")
    _history(catalogue, hanoi, [100] * MIN_SAMPLES, ago_days=HISTORY_DAYS + 10)

    assert predicted_completion(open_dossier) is None

    cache.clear()
    _history(catalogue, hanoi, [100])
    assert predicted_completion(open_dossier) is not None


@pytest.mark.parametrize(
    "state",
    [DossierState.SUPPLEMENT_REQUESTED, DossierState.PROCESSED, DossierState.RETURNED],
)
def test_no_prediction_while_the_clock_is_stopped_or_once_decided(catalogue, hanoi, travel, state):
    _history(catalogue, hanoi, [100] * MIN_SAMPLES)
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=state,
        office=hanoi,
        received_at=dt.datetime(2026, 10, 19, 9, 0, tzinfo=VN),
    )

    assert predicted_completion(dossier) is None


def test_no_prediction_once_the_typical_date_has_passed(catalogue, hanoi, open_dossier):
    _history(catalogue, hanoi, [2] * MIN_SAMPLES)  # usually two office hours

    assert predicted_completion(open_dossier) is None


def test_the_median_is_cached_per_office_and_procedure(catalogue, hanoi, open_dossier):
    _history(catalogue, hanoi, [100] * MIN_SAMPLES)
    first = predicted_completion(open_dossier)

    _history(catalogue, hanoi, [300] * (MIN_SAMPLES * 2))  # the history changes ...
    with CaptureQueriesContext(connection) as queries:
        assert (
            typical_processing_seconds(office_id=hanoi.pk, procedure_id=open_dossier.procedure_id)
            is not None
        )
    assert len(queries) == 0  # ... but the cached median is used for the hour
    assert predicted_completion(open_dossier) == first

    cache.clear()
    assert predicted_completion(open_dossier) > first


def test_predictions_for_a_list_cost_a_fixed_number_of_queries(catalogue, hanoi, travel):
    _history(catalogue, hanoi, [100] * MIN_SAMPLES)
    dossiers = [
        make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.RECEIVED,
            office=hanoi,
            received_at=dt.datetime(2026, 10, 19, 9 + n, 0, tzinfo=VN),
        )
        for n in range(6)
    ]

    with CaptureQueriesContext(connection) as queries:
        predicted = predicted_completions(dossiers)

    assert len(predicted) == 6
    # The history and its calendar overrides once, the overrides ahead once.
    assert len(queries) == 3


def test_the_predicted_date_is_shown_on_tracking_and_dossier_pages(
    client, catalogue, hanoi, citizen, travel
):
    _history(catalogue, hanoi, [100] * MIN_SAMPLES)
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.IN_PROCESSING,
        office=hanoi,
        applicant=citizen,
        received_at=dt.datetime(2026, 10, 19, 9, 0, tzinfo=VN),
    )
    expected = predicted_completion(dossier).astimezone(VN).strftime("%d/%m/%Y")

    tracked = _post(client, dossier.code, "2345").text
    assert re.search(rf'data-testid="predicted">{expected}', tracked)

    client.force_login(citizen)
    assert re.search(
        rf'data-testid="predicted">{expected}', client.get(f"/dossiers/d/{dossier.reference}/").text
    )
    assert expected in client.get("/dossiers/").text


def test_the_history_query_has_a_matching_index():
    wanted = ["competent_office", "procedure", "returned_at"]
    assert any(list(index.fields)[:3] == wanted for index in Dossier._meta.indexes), (
        "add Index(fields=[competent_office, procedure, returned_at], condition=state=returned)"
    )


def test_behind_trusted_proxies_each_citizen_has_their_own_budget(client, dossier, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request comes from the proxy
    for _ in range(ATTEMPTS_PER_WINDOW):
        response = _post(
            client, dossier.code, "0000", HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy
        )
        assert response.status_code == 404

    assert (
        _post(client, dossier.code, "2345", HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy)
    ).status_code == 429
    # Another citizen behind the same proxy is not blocked by the first one's mistakes.
    assert (
        _post(client, dossier.code, "2345", HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy)
    ).status_code == 200
    # An address the client wrote itself (left of the proxy's entry) buys no new budget.
    assert (
        _post(
            client,
            dossier.code,
            "2345",
            HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5",
            **via_proxy,
        )
    ).status_code == 429


def test_without_trusted_proxies_a_forwarded_header_buys_no_new_budget(client, dossier, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(ATTEMPTS_PER_WINDOW):
        forged = f"198.51.100.{n + 1}"
        assert _post(client, dossier.code, "0000", HTTP_X_FORWARDED_FOR=forged).status_code == 404

    blocked = _post(client, dossier.code, "2345", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert blocked.status_code == 429


# --- timeliness: judged against the statutory date ------------------------------------------


def _at(*args):
    return dt.datetime(*args, tzinfo=VN)


def _badge(page: str, testid: str) -> str | None:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    return found.group(1) if found else None


def test_a_dossier_past_its_statutory_date_shows_as_late_despite_the_apology(
    client, catalogue, hanoi, citizen
):
    # Statutory date Tue 1 Dec 16:00; the apology gave Tue 8 Dec. On Thu 3 Dec the tracker
    # and the citizen's page say "late" and show the statutory date beside the new one.
    with time_machine.travel(_at(2026, 12, 3, 10), tick=False):
        late = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.PROCESSED,
            office=hanoi,
            applicant=citizen,
            due_at=_at(2026, 12, 8, 16),
            statutory_due_at=_at(2026, 12, 1, 16),
            apology_issued_at=_at(2026, 12, 1, 15),
        )
        tracked = _post(client, late.code, "2345").text
        client.force_login(citizen)
        detail = client.get(reverse("dossiers:detail", args=[late.reference])).text
    assert _badge(tracked, "track-timeliness") == _vi("Late")
    assert _badge(tracked, "track-statutory-due") == "16:00, 01/12/2026"
    assert _badge(tracked, "track-due").strip() == "16:00, 08/12/2026"
    assert _badge(detail, "timeliness") == _vi("Late")
    assert _badge(detail, "statutory-due") == "16:00, 01/12/2026"


def test_a_dossier_within_its_statutory_date_shows_no_result_yet(client, catalogue, hanoi, citizen):
    with time_machine.travel(_at(2026, 12, 1, 10), tick=False):
        open_dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.IN_PROCESSING,
            office=hanoi,
            applicant=citizen,
            due_at=_at(2026, 12, 1, 16),
        )
        tracked = _post(client, open_dossier.code, "2345").text
    assert _badge(tracked, "track-timeliness") is None
    assert _badge(tracked, "track-statutory-due") is None  # same as the appointed time


# --- a supplement provided ------------------------------------------------------------------


@pytest.fixture
def supplied(catalogue, hanoi, citizen):
    """Received at the counter, a supplement requested there and brought in: three steps."""
    from dossiers.services import dossier_supply

    counter = UserFactory(role="counter_officer", office=hanoi)
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=VN), tick=False):
        received = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.RECEIVED,
            office=hanoi,
            applicant=citizen,
        )
        event_append(
            dossier=received,
            kind="received",
            actor=counter,
            from_state="draft",
            to_state="received",
            citizen_visible=True,
        )
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=VN), tick=False):
        dossier_request_supplement(
            dossier=Dossier.objects.get(pk=received.pk),
            actor=counter,
            reason="Thiếu giấy ra viện",
            items=["Giấy ra viện"],
        )
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=VN), tick=False):
        return dossier_supply(dossier=Dossier.objects.get(pk=received.pk), actor=counter)


def test_a_supplement_provided_is_named_once_and_received_is_not_repeated(client, supplied):
    assert supplied.state == DossierState.RECEIVED
    page = _post(client, supplied.code, "2345").text

    timeline = re.search(r'data-testid="track-timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.count(_vi("Supplement provided")) == 1
    assert _vi("Supplement provided") == "Đã bổ sung hồ sơ"
    assert timeline.count(_vi(str(DossierState.RECEIVED.label))) == 1


def test_the_api_and_the_citizens_page_name_the_supplement_provided(client, supplied, citizen):
    api = client.get(
        f"/api/v1/tracking/{supplied.code}/",
        {"id_last4": "2345"},
        headers={"accept-language": "en"},
    ).json()
    labels = [step["label"] for step in api["timeline"]]
    assert labels.count("Supplement provided") == 1
    assert labels.count("Received") == 1

    client.force_login(citizen)
    page = client.get(reverse("dossiers:detail", kwargs={"reference": supplied.reference})).text
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.count(_vi("Supplement provided")) == 1
    assert timeline.count(_vi("Received")) == 1
