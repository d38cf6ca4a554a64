"""Following a dossier: the citizen's timeline and rating, public tracking, supplements.

The officers' side is driven through the workflow services (tests/browser/test_workflow.py
drives it through the pages); the citizen and the public use the browser. The interface
runs in Vietnamese; interface strings are looked up through Django's translation of their
English source, as in test_intake.py.
"""

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.constants import DossierState, EventKind
from dossiers.models import Dossier
from dossiers.selectors import tracking_url
from dossiers.services import (
    dossier_accept,
    dossier_apologise,
    dossier_assign,
    dossier_decide,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_to_appraisal,
    dossier_sign,
    event_append,
)
from ratings.constants import RatingChannel
from ratings.models import Rating
from tests.dossiers.factories import make_dossier
from tests.factories import PASSWORD, UserFactory

APOLOGY_REASON = "Cần xác minh thêm với đơn vị sử dụng lao động."
MISSING_ITEM = "Giấy ra viện (bản sao)"
OVERALL = "Overall, how satisfied are you with how your dossier was handled?"
COMMENT = "Cán bộ hướng dẫn rõ ràng, trả kết quả đúng hẹn."


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def _state(value: str) -> str:
    with translation.override("vi"):
        return str(DossierState(value).label)


def _kind(value: str) -> str:
    with translation.override("vi"):
        return str(EventKind(value).label)


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _choose(scope, question: str, score: int, label: str):
    """Tick `score` in the five-point scale named `question`."""
    group = scope.get_by_role("group", name=_vi(question))
    group.get_by_role("radio", name=f"{score} {_vi(label)}", exact=True).check()


@pytest.fixture
def signing_dir(settings, tmp_path):
    settings.SIGNING_KEY_PATH = ""
    settings.SIGNING_CERT_PATH = ""
    settings.BASE_DIR = tmp_path  # the demo identity is created under tmp_path/var/signing
    return tmp_path / "var" / "signing"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Attempt counters and cached predictions must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(offices):
    hanoi = offices[1]
    return {
        "counter": UserFactory(username="tn-hn", role=Role.COUNTER_OFFICER, office=hanoi),
        "officer": UserFactory(username="xl-hn", role=Role.PROCESSING_OFFICER, office=hanoi),
        "leader": UserFactory(username="ld-hn", role=Role.OFFICE_LEADER, office=hanoi),
    }


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        full_name="Nguyễn Văn An",
        national_id="001090012345",
        username="cd001090012345",
        phone="0912345678",
        email="an@example.vn",
    )


def _submitted(catalogue, offices, citizen) -> Dossier:
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.SUBMITTED,
        office=offices[1],
        applicant=citizen,
        applicant_phone=citizen.phone,
        return_method="electronic",
    )
    event_append(
        dossier=dossier,
        kind=EventKind.SUBMITTED,
        actor=citizen,
        from_state=DossierState.DRAFT,
        to_state=DossierState.SUBMITTED,
        citizen_visible=True,
    )
    return dossier


def _off_loop(service, **kwargs):
    """Run a service in another thread: signing uses asyncio.run(), which cannot nest in
    Playwright's running event loop."""

    def run():
        try:
            return service(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _fresh(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def test_citizen_follows_a_dossier_to_its_result_and_rates_it(
    page, login, catalogue, offices, staff, citizen, signing_dir
):
    dossier = _submitted(catalogue, offices, citizen)
    detail_url = f"/dossiers/d/{dossier.reference}/"
    state = page.get_by_test_id("dossier-state")
    timeline = page.get_by_test_id("timeline")

    # Filed: My dossiers lists it as submitted, with its appointed date.
    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/")
    row = page.get_by_role("row", name=dossier.code)
    expect(row).to_contain_text(_state(DossierState.SUBMITTED))
    expect(row).to_contain_text(timezone.localtime(dossier.due_at).strftime("%d/%m/%Y"))
    row.get_by_role("link", name=dossier.code).click()
    expect(page).to_have_url(detail_url)
    expect(state).to_have_text(_state(DossierState.SUBMITTED))
    expect(page.get_by_test_id("rating-panel")).to_have_count(0)

    # The office receives it, assigns it, and apologises with a new date: the officer
    # prepares the letter, the leader signs it.
    dossier = dossier_accept(dossier=dossier, officer=staff["counter"])
    dossier = dossier_assign(dossier=dossier, leader=staff["leader"], officer=staff["officer"])
    new_due = timezone.localtime(dossier.due_at + dt.timedelta(days=3)).replace(second=0)
    for actor in (staff["officer"], staff["leader"]):
        dossier = dossier_apologise(
            dossier=dossier, actor=actor, reason=APOLOGY_REASON, new_due_at=new_due
        )
    page.reload()
    expect(state).to_have_text(_state(DossierState.IN_PROCESSING))
    expect(page.get_by_test_id("due-at")).to_contain_text(new_due.strftime("%H:%M, %d/%m/%Y"))
    expect(timeline).to_contain_text(_state(DossierState.RECEIVED))
    expect(timeline).to_contain_text(_state(DossierState.IN_PROCESSING))
    expect(timeline).to_contain_text(APOLOGY_REASON)
    expect(page.get_by_test_id("slip-apology")).to_be_visible()

    # Appraisal, decision, signature and return.
    dossier = dossier_send_to_appraisal(dossier=dossier, officer=staff["officer"])
    dossier = dossier_decide(
        dossier=dossier, officer=staff["officer"], outcome="approved", decision_text="Đồng ý."
    )
    dossier = _off_loop(dossier_sign, dossier=dossier, leader=staff["leader"])
    dossier = dossier_return_result(
        dossier=dossier, officer=staff["counter"], delivery="electronic"
    )
    page.reload()
    expect(state).to_have_text(_state(DossierState.RETURNED))
    expect(page.get_by_test_id("result-download")).to_be_visible()
    items = timeline.get_by_role("listitem")
    expect(items.first).to_contain_text(_kind(EventKind.SUBMITTED))
    expect(items.last).to_contain_text(_state(DossierState.RETURNED))
    expect(timeline).to_contain_text(_state(DossierState.PROCESSED))
    expect(timeline).not_to_contain_text(_state(DossierState.APPRAISAL))  # internal step

    # Rating: a missing answer is named, then the rating is saved.
    panel = page.get_by_test_id("rating-panel")
    _choose(panel, OVERALL, 4, "Satisfied")
    _choose(panel, "Timeliness", 3, "Neither satisfied nor dissatisfied")
    _choose(panel, "Staff attitude", 5, "Very satisfied")
    panel.get_by_role("button", name=_vi("Send my rating")).click()
    expect(page.locator("#rating_guidance_error")).to_be_visible()
    overall = page.get_by_role("group", name=_vi(OVERALL))
    expect(overall.get_by_role("radio", name=f"4 {_vi('Satisfied')}", exact=True)).to_be_checked()
    _choose(page, "Clarity of guidance", 5, "Very satisfied")
    page.get_by_label(
        _vi("How many times did you have to come to the office for this dossier?")
    ).fill("1")
    page.get_by_label(_vi("Comment (optional)")).fill(COMMENT)
    page.get_by_role("button", name=_vi("Send my rating")).click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_test_id("rating-summary")).to_contain_text(COMMENT)
    expect(page.get_by_test_id("rating-change")).to_be_visible()
    expect(timeline.get_by_role("listitem").last).to_contain_text(_kind(EventKind.RATED))
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.timeliness, rating.attitude, rating.guidance) == (4, 3, 5, 5)
    assert (rating.trips_needed, rating.channel, rating.rater) == (1, RatingChannel.WEB, citizen)

    # Once rated, My dossiers no longer asks for a rating.
    page.goto("/dossiers/")
    expect(page.get_by_role("row", name=dossier.code)).to_contain_text(
        _state(DossierState.RETURNED)
    )
    expect(page.get_by_test_id("rate-link")).to_have_count(0)


def test_public_tracking_by_code_and_by_qr_shows_a_masked_name_only(
    page, live_server, settings, catalogue, offices, staff, citizen
):
    settings.SITE_URL = live_server.url
    dossier = dossier_accept(
        dossier=_submitted(catalogue, offices, citizen), officer=staff["counter"]
    )
    result = page.get_by_test_id("tracked-dossier")

    # By code and the last 4 digits of the ID number.
    page.goto("/")
    nav = page.get_by_role("navigation", name=_vi("Main navigation"))
    nav.get_by_role("link", name=_vi("Track a dossier")).click()
    page.get_by_label(_vi("Dossier code")).fill(dossier.code.lower())
    page.get_by_label(_vi("Last 4 digits of the applicant's ID number")).fill("2345")
    page.get_by_role("button", name=_vi("Track"), exact=True).click()
    expect(result).to_be_visible()
    expect(page.get_by_test_id("tracked-code")).to_have_text(dossier.code)
    expect(page.get_by_test_id("masked-name")).to_have_text("N***** V** A*")
    expect(page.get_by_test_id("track-state")).to_have_text(_state(DossierState.RECEIVED))
    expect(page.get_by_test_id("track-timeline")).to_contain_text(_state(DossierState.RECEIVED))
    body = page.locator("body")
    for personal in ("Nguyễn Văn An", citizen.national_id, citizen.phone, citizen.email):
        expect(body).not_to_contain_text(personal)

    # A wrong combination and an unknown code look the same: "not found", nothing shown.
    page.get_by_label(_vi("Dossier code")).fill(dossier.code)
    page.get_by_label(_vi("Last 4 digits of the applicant's ID number")).fill("5432")
    page.get_by_role("button", name=_vi("Track"), exact=True).click()
    error = page.get_by_test_id("track-error")
    expect(error).to_be_visible()
    wrong_message = error.inner_text()
    expect(result).to_have_count(0)
    expect(body).not_to_contain_text("N***** V** A*")
    page.get_by_label(_vi("Dossier code")).fill("000.00.01.G12-261124-9999")
    page.get_by_label(_vi("Last 4 digits of the applicant's ID number")).fill("2345")
    page.get_by_role("button", name=_vi("Track"), exact=True).click()
    expect(error).to_have_text(wrong_message)
    expect(result).to_have_count(0)

    # Input of the wrong shape is named on the field.
    page.get_by_label(_vi("Last 4 digits of the applicant's ID number")).fill("12")
    page.get_by_role("button", name=_vi("Track"), exact=True).click()
    expect(page.locator("#id_id_last4_error")).to_have_text(_vi("Enter exactly 4 digits."))

    # By the QR code of the reception slip, in a fresh browser without a session.
    url = tracking_url(dossier)
    assert url.startswith(live_server.url)
    qr = page.context.browser.new_context(locale="vi-VN", viewport={"width": 412, "height": 900})
    try:
        scanned = qr.new_page()
        response = scanned.goto(url)
        assert response.status == 200
        expect(scanned.get_by_test_id("tracked-code")).to_have_text(dossier.code)
        expect(scanned.get_by_test_id("masked-name")).to_have_text("N***** V** A*")
        expect(scanned.locator("body")).not_to_contain_text(citizen.national_id)
        tampered = scanned.goto(url[:-3] + "xyz")
        assert tampered.status == 404
        expect(scanned.get_by_test_id("track-error")).to_have_text(wrong_message)
        expect(scanned.get_by_test_id("tracked-dossier")).to_have_count(0)
    finally:
        qr.close()


def test_a_locked_code_sends_its_owner_to_sign_in_and_back_to_the_dossier(
    page, login, catalogue, offices, staff, citizen
):
    from dossiers.tracking import CODE_ATTEMPTS_PER_WINDOW, tracked_lookup

    dossier = dossier_accept(
        dossier=_submitted(catalogue, offices, citizen), officer=staff["counter"]
    )
    for n in range(CODE_ATTEMPTS_PER_WINDOW):  # guesses from many addresses lock the code
        tracked_lookup(client=f"10.0.{n}.1", code=dossier.code, id_last4=f"{n:04d}")

    page.goto("/track/")
    page.get_by_label(_vi("Dossier code")).fill(dossier.code)
    page.get_by_label(_vi("Last 4 digits of the applicant's ID number")).fill("2345")
    page.get_by_role("button", name=_vi("Track"), exact=True).click()
    error = page.get_by_test_id("track-error")
    expect(error).to_contain_text(
        _vi(
            "Too many wrong attempts were made on this dossier code, so it is locked for an "
            "hour to protect it."
        )
    )
    expect(page.get_by_test_id("track-owner-escape")).to_contain_text(_vi("QR"))
    expect(page.get_by_test_id("tracked-dossier")).to_have_count(0)

    error.get_by_role("link", name=_vi("Log in")).click()
    page.fill("input[name=username]", citizen.national_id)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")

    expect(page.get_by_test_id("tracked-code")).to_have_text(dossier.code)


def test_citizen_uploads_a_supplement_from_the_dossier_page(
    page, login, catalogue, offices, staff, citizen
):
    dossier = dossier_accept(
        dossier=_submitted(catalogue, offices, citizen), officer=staff["counter"]
    )
    dossier = dossier_assign(dossier=dossier, leader=staff["leader"], officer=staff["officer"])
    dossier = dossier_request_supplement(
        dossier=dossier,
        actor=staff["officer"],
        reason="Thiếu giấy ra viện.",
        items=[MISSING_ITEM],
    )
    paused_due = dossier.due_at

    login(citizen.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/dossiers/")
    page.get_by_role("link", name=dossier.code, exact=True).click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.get_by_role("listitem").last).to_contain_text(
        _state(DossierState.SUPPLEMENT_REQUESTED)
    )
    request = page.get_by_test_id("supplement-request")
    expect(request.get_by_role("listitem")).to_have_text([MISSING_ITEM])
    expect(page.get_by_test_id("slip-supplement")).to_be_visible()

    # "Supplement provided" before any upload is refused with a message.
    page.get_by_test_id("action-supply").click()
    expect(page.get_by_test_id("dossier-state")).to_have_text(
        _state(DossierState.SUPPLEMENT_REQUESTED)
    )
    expect(page.get_by_role("status")).to_contain_text(_vi("Upload the requested documents first."))

    request = page.get_by_test_id("supplement-request")
    request.get_by_label(_vi("Add files")).set_input_files(
        files=[{"name": "giay-ra-vien.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    request.get_by_role("button", name=_vi("Upload")).click()
    expect(page.get_by_role("link", name="giay-ra-vien.pdf")).to_be_visible()
    page.get_by_test_id("action-supply").click()

    expect(page.get_by_test_id("dossier-state")).to_have_text(_state(DossierState.IN_PROCESSING))
    expect(page.get_by_test_id("supplement-request")).to_have_count(0)
    # The step is named as such ("Đã bổ sung hồ sơ"), not as the state it returns to.
    expect(timeline.get_by_role("listitem").last).to_contain_text(_vi("Supplement provided"))
    expect(timeline).to_contain_text(_state(DossierState.SUPPLEMENT_REQUESTED))
    assert _fresh(dossier).due_at >= paused_due  # the stopped clock moved the date on


def test_counter_tablet_rating_with_large_touch_targets(
    browser, live_server, catalogue, offices, citizen
):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.RETURNED,
        office=offices[1],
        applicant=citizen,
        returned_at=timezone.now(),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 800, "height": 1280}
    )
    context.set_default_timeout(15_000)
    try:
        tablet = context.new_page()
        tablet.goto("/ratings/counter/")
        tablet.get_by_label(_vi("Dossier code (on your reception slip)")).fill(dossier.code)
        tablet.get_by_label(_vi("Last 4 digits of your ID number")).fill("2345")
        continue_button = tablet.get_by_role("button", name=_vi("Continue"))
        assert continue_button.bounding_box()["height"] >= 64
        continue_button.click()

        expect(tablet).to_have_url("/ratings/counter/rate/")
        expect(tablet.get_by_test_id("masked-name")).to_have_text("N***** V** A*")
        option = tablet.locator("label.rating-option").first
        assert option.bounding_box()["height"] >= 64
        _choose(tablet, OVERALL, 2, "Dissatisfied")
        _choose(tablet, "Timeliness", 1, "Very dissatisfied")
        _choose(tablet, "Staff attitude", 3, "Neither satisfied nor dissatisfied")
        _choose(tablet, "Clarity of guidance", 2, "Dissatisfied")
        tablet.locator("#rating_trips_needed").fill("3")
        tablet.get_by_role("button", name=_vi("Send my rating")).click()

        expect(tablet.get_by_test_id("counter-thanks")).to_be_visible()
        rating = Rating.objects.get(dossier=dossier)
        assert (rating.score, rating.channel, rating.rater) == (2, RatingChannel.TABLET, None)
        # The next citizen starts from the beginning.
        tablet.get_by_role("link", name=_vi("Next citizen")).click()
        expect(tablet).to_have_url("/ratings/counter/")
        tablet.goto("/ratings/counter/rate/")
        expect(tablet).to_have_url("/ratings/counter/")
    finally:
        context.close()
