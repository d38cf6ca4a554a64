"""What the dossier page's facts and history show: labels followed by what they name, and
repeated draft saves as one line."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from dossiers.constants import DossierState
from dossiers.models import Dossier
from tests.dossiers.factories import make_dossier

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def _facts(page: str) -> dict[str, str]:
    """The page's <dt>label</dt><dd>value</dd> pairs, tags stripped."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    return {label.strip(): re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}


def test_the_time_received_label_is_followed_by_a_time_and_the_office_has_its_own(
    client, catalogue, offices, citizen
):
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=VN), tick=False):
        dossier = make_dossier(
            procedure=catalogue["sickness-benefit"],
            state=DossierState.RECEIVED,
            office=offices[1],
            applicant=citizen,
        )
    Dossier.objects.filter(pk=dossier.pk).update(receiving_office=offices[79])
    client.force_login(citizen)

    page = client.get(
        reverse("dossiers:detail", kwargs={"reference": dossier.reference}),
        headers={"accept-language": "vi"},
    ).text

    facts = _facts(page)
    for label, value in facts.items():
        if "Thời điểm" in label:
            assert re.fullmatch(r"\d\d:\d\d, \d\d/\d\d/\d{4}", value), (label, value)
    assert facts[_vi("Receiving office")] == offices[79].name


def test_repeated_draft_saves_show_as_one_line_and_all_stay_recorded(
    client, catalogue, offices, citizen, counter_hn
):
    from dossiers.constants import EventKind
    from dossiers.services import dossier_draft_save, dossier_submit
    from tests.dossiers.test_intake_services import add_medical_certificate, sickness_draft

    with time_machine.travel(dt.datetime(2026, 11, 24, 9, 30, tzinfo=VN), tick=False):
        draft = sickness_draft(catalogue, citizen)  # the first save
        for step in (2, 3):
            draft = dossier_draft_save(dossier=draft, actor=citizen, values={}, next_step=step)
        add_medical_certificate(draft, citizen)
        submitted = dossier_submit(dossier=draft, actor=citizen)
    assert submitted.events.filter(kind=EventKind.SAVED).count() == 3  # the audit trail

    client.force_login(counter_hn)
    page = client.get(
        reverse("dossiers:detail", kwargs={"reference": submitted.reference}),
        headers={"accept-language": "vi"},
    ).text

    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.count(_vi("Draft saved")) == 1
    assert "(×3)" in timeline
