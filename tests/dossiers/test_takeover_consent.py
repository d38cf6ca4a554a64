"""A counter takes over a citizen's online draft only with their consent (issue #18):
a one-time code from their inbox/SMS, or their presence with the ID card."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from dossiers.constants import Channel, EventKind
from dossiers.models import Dossier, TakeOverConsent
from notifications.models import Notification
from tests.dossiers.test_intake_services import sickness_draft

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture(autouse=True, name="clock")
def _pinned_clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft(catalogue, citizen):
    return sickness_draft(catalogue, citizen)


def _sent_code(citizen) -> str:
    inbox = Notification.objects.filter(recipient=citizen, channel="inbox").latest("id")
    return re.search(r"\b(\d{6})\b", inbox.body).group(1)


def test_without_consent_the_counter_sees_only_that_a_draft_exists(client, draft, counter_hn):
    client.force_login(counter_hn)
    listing = client.get("/dossiers/counter/", {"national_id": "001090012345"}).content.decode()
    assert draft.procedure.name in listing
    assert f"/dossiers/counter/take-over/{draft.reference}/" in listing
    # Neither the draft, nor its documents, nor the API.
    assert client.get(f"/dossiers/d/{draft.reference}/").status_code == 404
    assert client.get(f"/dossiers/d/{draft.reference}/documents/1/").status_code == 404
    assert client.get(f"/api/v1/dossiers/{draft.reference}/").status_code == 404
    page = client.get(f"/dossiers/counter/take-over/{draft.reference}/").content.decode()
    assert "Nguyễn Văn An" not in page  # the applicant's details stay in the draft
    assert Dossier.objects.get(pk=draft.pk).channel == Channel.ONLINE


def test_the_code_reaches_the_citizen_and_takes_the_draft_over_once(
    client, draft, citizen, counter_hn, counter_hcm, django_capture_on_commit_callbacks
):
    url = f"/dossiers/counter/take-over/{draft.reference}/"
    client.force_login(counter_hn)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    code = _sent_code(citizen)
    sms = Notification.objects.get(recipient=citizen, channel="sms")
    assert code in sms.body
    assert sms.address == "0912345678"
    assert not Notification.objects.filter(channel="email").exists()
    consent = TakeOverConsent.objects.get()
    assert code not in consent.code_hash  # only a keyed hash is kept

    # Another office's officer cannot use the code meant for Hà Nội's counter.
    client.force_login(counter_hcm)
    other = client.post(url, {"action": "code", "code": code})
    assert other.status_code == 200
    assert _vi("No valid code: send the citizen a new code.") in other.content.decode()

    client.force_login(counter_hn)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(url, {"action": "code", "code": wrong})
    assert refused.status_code == 400
    assert TakeOverConsent.objects.get().attempts == 1
    taken = client.post(url, {"action": "code", "code": code})
    assert taken.status_code == 302
    dossier = Dossier.objects.get(pk=draft.pk)
    assert (dossier.channel, dossier.receiving_office_id) == (Channel.COUNTER, counter_hn.office_id)
    handed = dossier.events.get(kind=EventKind.HANDED_OVER)
    assert handed.payload["consent"] == "code"
    assert client.get(f"/dossiers/d/{draft.reference}/").status_code == 302  # the wizard


def test_codes_expire_and_wrong_tries_are_limited(
    client, draft, citizen, counter_hn, clock, django_capture_on_commit_callbacks
):
    url = f"/dossiers/counter/take-over/{draft.reference}/"
    client.force_login(counter_hn)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "send"})
    code = _sent_code(citizen)
    clock.shift(dt.timedelta(minutes=11))
    expired = client.post(url, {"action": "code", "code": code})
    assert _vi("No valid code: send the citizen a new code.") in expired.content.decode()

    with override_settings(TAKEOVER_CODE_MAX_ATTEMPTS=2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"action": "send"})
        code = _sent_code(citizen)
        wrong = "000000" if code != "000000" else "111111"
        client.post(url, {"action": "code", "code": wrong})
        client.post(url, {"action": "code", "code": wrong})
        locked = client.post(url, {"action": "code", "code": code})
    assert _vi("Too many wrong codes: send the citizen a new code.") in locked.content.decode()
    assert Dossier.objects.get(pk=draft.pk).channel == Channel.ONLINE

    client.post(url, {"action": "send"})
    fourth = client.post(url, {"action": "send"}, follow=True)
    assert (
        _vi("Too many codes were sent for this draft in the last hour. Try again later.")
        in fourth.content.decode()
    )


def test_the_citizen_present_with_the_id_card(client, draft, counter_hn):
    url = f"/dossiers/counter/take-over/{draft.reference}/"
    client.force_login(counter_hn)
    unconfirmed = client.post(url, {"action": "presence", "id_number": "001090012345"})
    assert unconfirmed.status_code == 400
    mismatch = client.post(
        url, {"action": "presence", "present": "on", "id_number": "001090099999"}
    )
    assert mismatch.status_code == 400
    assert _vi("This ID number is not the applicant's: the draft stays online.") in (
        mismatch.content.decode()
    )
    assert not TakeOverConsent.objects.exists()
    taken = client.post(url, {"action": "presence", "present": "on", "id_number": "001090012345"})
    assert taken.status_code == 302
    consent = TakeOverConsent.objects.get()
    assert (consent.method, consent.officer_id) == ("presence", counter_hn.pk)
    handed = Dossier.objects.get(pk=draft.pk).events.get(kind=EventKind.HANDED_OVER)
    assert handed.payload["identity_checked"] is True
