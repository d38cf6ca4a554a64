"""A small known data set for the dashboard figures (November 2026, Asia/Ho_Chi_Minh).

HN and HCM are the provincial offices of provinces 1 and 79; "base" a base office in 1.
WD = working days from reception to return.

| id | competent (receiving) | procedure | channel | received | decided | returned |
|---|---|---|---|---|---|---|
| d1 | HN | sickness | online | Mon 2/11 08:00 | 3/11 | Wed 4/11 17:00, 3 WD |
| d2 | HN | sickness | counter | Mon 2/11 08:00 | 5/11 | Thu 5/11 17:00, 4 WD |
| d3 | HN (base) | sickness | I-VAN | Tue 3/11 08:00 | 6/11 | Mon 9/11 17:00, 5 WD |
| d4 | HN | HI card | post | Tue 10/11 08:00 | - | - |
| d5 | HCM | sickness | online | Mon 2/11 08:00 | 3/11 | Tue 3/11 17:00, 2 WD |
| d6 | HN | field inspection | counter | Wed 4/11 09:00 | - | - |
| d7 | HN | sickness | online | Fri 30/10 08:00 | 2/11 | Mon 2/11 17:00, 2 WD |
| d8 | HN | sickness | online | (submitted only) | - | - |
| d9 | HN | HI card | counter | 15/10 09:00 | - | - |
| d10 | HN | sickness | online | Thu 5/11 08:00 | 11/11 | (processed, not returned) |

Returned: d1 early, d2 d5 d7 on time, d3 late (statutory date Fri 6/11 17:00; an apology on
6/11 gave Tue 10/11: late, returned by the apologised date). Result slips: d1 d3 d5 signed,
d2 unsigned.
Payment (approved): d1 d5 d7 bank, d2 cash at the post office, d3 through the employer.
Fully digitised: d1 d5 d6. Received outside the applicant's province of residence: d10 (filed
online to HN; the registry has its applicant living in HCM). d3, received at a base office of
HN, is not: its applicant's residence is unknown (sickness is filed in the employer's province
and the registry has no record of the applicant). Overdue now: d4 (in processing) and d10
(processed). The clock is pinned to Tue 1 December 2026 10:00 (`_clock`).
Ratings (score, timeliness, attitude, guidance, trips; day given): d1 5 5 4 5 1 on 5/11,
d2 3 2 4 3 2 on 6/11, d5 4 4 5 4 1 on 4/11, d7 2 1 3 2 3 on 9/11.
"""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from accounts.constants import Role
from dashboards.services import days_between, rollups_refresh_days
from dossiers.constants import Channel, DossierState, SlipKind
from dossiers.models import Slip
from offices.models import Office
from ratings.models import Rating
from tests.beneficiaries.factories import PersonFactory
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
NOVEMBER_QUERY = "start=2026-11-01&end=2026-11-30"


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


NOW = dt.datetime(2026, 12, 1, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _clock():
    """Every dashboard test runs on Tue 1 December 2026 10:00 (the data set is November's)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def targets(db):
    """The seeded targets (transactional tests elsewhere flush the migration's rows)."""
    seed = importlib.import_module("dashboards.migrations.0002_seed_targets")
    seed.seed(apps, None)


@pytest.fixture
def base_office(offices):
    return Office.objects.create(
        agency_code="000.01.03.G12",
        name="Bảo hiểm xã hội cơ sở Ba Đình",
        kind="base",
        province_code=1,
        parent=offices[1],
    )


def _signed_result(dossier, signed: bool) -> None:
    Slip.objects.create(
        dossier=dossier, kind=SlipKind.RESULT, signed=signed, file="r.pdf", sha256="0" * 64
    )


def _rating(dossier, answers, given_at) -> None:
    score, timeliness, attitude, guidance, trips = answers
    rating = Rating.objects.create(
        dossier=dossier,
        channel="tablet",
        score=score,
        timeliness=timeliness,
        attitude=attitude,
        guidance=guidance,
        trips_needed=trips,
    )
    Rating.objects.filter(pk=rating.pk).update(created_at=given_at)


def _returned(
    procedure,
    office,
    *,
    channel,
    received,
    decided,
    returned,
    timeliness,
    payment,
    receiving=None,
    digitised=False,
    **extra,
):
    return make_dossier(
        procedure=procedure,
        state=DossierState.RETURNED,
        office=office,
        channel=channel,
        receiving_office=receiving or office,
        received_at=received,
        decided_at=decided,
        returned_at=returned,
        due_at=extra.pop("due_at", returned + dt.timedelta(days=1)),
        timeliness=timeliness,
        outcome="approved",
        data={"payment_method": payment},
        fully_digitised_at=received + dt.timedelta(hours=1) if digitised else None,
        **extra,
    )


@pytest.fixture
def dataset(offices, catalogue, base_office, inspection_procedure):
    hn, hcm = offices[1], offices[79]
    sickness = catalogue["sickness-benefit"]
    hi_card = catalogue["hi-card-reissue-exchange"]
    inspection = inspection_procedure
    now = timezone.now()
    d = {}
    d["d1"] = _returned(
        sickness,
        hn,
        channel=Channel.ONLINE,
        received=at(11, 2),
        decided=at(11, 3, 10),
        returned=at(11, 4, 17),
        timeliness="early",
        payment="bank",
        digitised=True,
    )
    d["d2"] = _returned(
        sickness,
        hn,
        channel=Channel.COUNTER,
        received=at(11, 2),
        decided=at(11, 5, 9),
        returned=at(11, 5, 17),
        timeliness="on_time",
        payment="cash_post",
    )
    d["d3"] = _returned(
        sickness,
        hn,
        channel=Channel.IVAN,
        received=at(11, 3),
        decided=at(11, 6, 10),
        returned=at(11, 9, 17),
        timeliness="late",
        payment="employer",
        receiving=base_office,
        due_at=at(11, 10, 17),
        statutory_due_at=at(11, 6, 17),
        apology_issued_at=at(11, 6, 16),
    )
    d["d4"] = make_dossier(
        procedure=hi_card,
        state=DossierState.IN_PROCESSING,
        office=hn,
        channel=Channel.POST,
        received_at=at(11, 10),
        due_at=now - dt.timedelta(days=1),
    )
    d["d5"] = _returned(
        sickness,
        hcm,
        channel=Channel.ONLINE,
        received=at(11, 2),
        decided=at(11, 3, 9),
        returned=at(11, 3, 17),
        timeliness="on_time",
        payment="bank",
        digitised=True,
    )
    d["d6"] = make_dossier(
        procedure=inspection,
        state=DossierState.IN_PROCESSING,
        office=hn,
        channel=Channel.COUNTER,
        received_at=at(11, 4, 9),
        fully_digitised_at=at(11, 4, 10),
    )
    d["d7"] = _returned(
        sickness,
        hn,
        channel=Channel.ONLINE,
        received=at(10, 30),
        decided=at(11, 2, 9),
        returned=at(11, 2, 17),
        timeliness="on_time",
        payment="bank",
    )
    d["d8"] = make_dossier(procedure=sickness, state=DossierState.SUBMITTED, office=hn)
    d["d9"] = make_dossier(
        procedure=hi_card,
        state=DossierState.RECEIVED,
        office=hn,
        channel=Channel.COUNTER,
        received_at=at(10, 15, 9),
        due_at=now + dt.timedelta(days=3),
    )
    d["d10"] = make_dossier(
        procedure=sickness,
        state=DossierState.PROCESSED,
        office=hn,
        received_at=at(11, 5),
        decided_at=at(11, 11, 10),
        due_at=now - dt.timedelta(hours=2),
        applicant_national_id=PersonFactory(current_province_code=79).national_id,
    )
    _signed_result(d["d1"], True)
    _signed_result(d["d2"], False)
    _signed_result(d["d3"], True)
    _signed_result(d["d5"], True)
    _rating(d["d1"], (5, 5, 4, 5, 1), at(11, 5, 10))
    _rating(d["d2"], (3, 2, 4, 3, 2), at(11, 6, 10))
    _rating(d["d5"], (4, 4, 5, 4, 1), at(11, 4, 10))
    _rating(d["d7"], (2, 1, 3, 2, 3), at(11, 9, 10))
    return d


@pytest.fixture
def rolled_up(dataset):
    """The data set with its rollups computed for October and November 2026."""
    rollups_refresh_days(days=days_between(dt.date(2026, 10, 1), dt.date(2026, 11, 30)))
    return dataset


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR)


@pytest.fixture
def leader_hn(offices):
    return UserFactory(username="leader-hn", role=Role.OFFICE_LEADER, office=offices[1])


@pytest.fixture
def leader_hcm(offices):
    return UserFactory(username="leader-hcm", role=Role.OFFICE_LEADER, office=offices[79])
