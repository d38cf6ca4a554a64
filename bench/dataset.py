"""Synthetic dossiers for the worklist benchmark, written with PostgreSQL COPY.

Imported by `bench/run.py` after `django.setup()`. Every value is made up: names are drawn
from common Vietnamese family, middle and given names, CCCD numbers follow the 12-digit
layout (province, gender/century digit, birth year, 6 random digits) but are random.

Rows go in with `COPY ... FROM STDIN` through psycopg 3 (`cursor.copy()`), one COPY per
batch of 5,000 in its own transaction. `Dossier.objects.bulk_create` would also work (the
FSM descriptor only refuses a *second* assignment of `state`, and a new instance gets its
first one in `__init__`), but bulk_create overwrites `created_at`/`updated_at` with "now"
(auto_now_add / auto_now), and it is several times slower than COPY at this size.
Columns the generator does not set get the model field's default, so a field added later
with a Python default does not break the benchmark.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import Channel, DossierState, Outcome, ReturnMethod, Timeliness
from dossiers.models import Dossier
from offices.constants import OfficeKind
from offices.models import Office
from procedures.models import ProcedureVersion

BATCH_SIZE = 5_000
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

HCMC, HANOI = 79, 1
# Share of dossiers per provincial office (percent). Hồ Chí Minh City (merged with Bình
# Dương and Bà Rịa-Vũng Tàu in 2025) and Hà Nội carry the most, then the industrial
# provinces; the other offices share the rest with a seeded spread.
OFFICE_WEIGHTS = {HCMC: 20.0, HANOI: 13.0, 75: 5.0, 31: 4.0, 24: 4.0}
BIG_OFFICE_WEIGHT = 4.0
OFFICERS_PER_BIG_OFFICE = 20
OFFICERS_PER_OFFICE = 6

# State mix (percent): mostly returned, about 10 % open, spread over every open state.
STATE_WEIGHTS = {
    DossierState.RETURNED: 84.0,
    DossierState.REFUSED: 1.5,
    DossierState.WITHDRAWN: 1.0,
    DossierState.STOPPED: 0.5,
    DossierState.PROCESSED: 1.5,
    DossierState.DRAFT: 1.5,
    DossierState.SUBMITTED: 1.5,
    DossierState.RECEIVED: 1.5,
    DossierState.IN_PROCESSING: 3.0,
    DossierState.APPRAISAL: 1.0,
    DossierState.AWAITING_SIGNATURE: 1.0,
    DossierState.SUPPLEMENT_REQUESTED: 1.5,
    DossierState.PAYMENT_REQUESTED: 0.5,
}
CLOSED_STATES = {
    DossierState.RETURNED,
    DossierState.REFUSED,
    DossierState.WITHDRAWN,
    DossierState.STOPPED,
}
CHANNEL_WEIGHTS = {Channel.ONLINE: 65, Channel.COUNTER: 28, Channel.POST: 4, Channel.IVAN: 3}
# Hồ Chí Minh City, Q1 2023: 30,400 late out of 516,294 (shared/DOMAIN.md "Volumes").
LATE_SHARE = 30_400 / 516_294
HISTORY_DAYS = 730

FAMILY_NAMES = {
    "Nguyễn": 38,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Hoàng": 3,
    "Huỳnh": 3,
    "Phan": 4.5,
    "Vũ": 2,
    "Võ": 2,
    "Đặng": 2,
    "Bùi": 2,
    "Đỗ": 1.5,
    "Hồ": 1.5,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
}
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân", "Đình"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Phương", "Mỹ"]
MALE_GIVEN = "An Bình Cường Dũng Hải Hùng Huy Khánh Long Nam Phong Quân Sơn Tâm Thắng Tuấn Việt"
FEMALE_GIVEN = "Anh Chi Dung Hà Hằng Hoa Hồng Hương Lan Linh Mai Nga Nhung Oanh Phượng Thảo Trang"


@dataclass(frozen=True)
class Staff:
    leader_id: int
    officer_ids: list[int]


def provincial_offices() -> list[Office]:
    return list(Office.objects.filter(kind=OfficeKind.PROVINCIAL).order_by("province_code"))


def office_weights(offices: list[Office], rng: random.Random) -> dict[int, float]:
    """Percent of dossiers per office id; summing to about 100."""
    fixed = {
        o.pk: OFFICE_WEIGHTS[o.province_code] for o in offices if o.province_code in OFFICE_WEIGHTS
    }
    others = [o for o in offices if o.province_code not in OFFICE_WEIGHTS]
    spread = {o.pk: rng.uniform(1.0, 2.5) for o in others}
    scale = (100.0 - sum(fixed.values())) / sum(spread.values())
    return fixed | {pk: w * scale for pk, w in spread.items()}


def ensure_staff(offices: list[Office], weights: dict[int, float]) -> dict[int, Staff]:
    """One leader and some processing officers per office (more at the big ones).

    Accounts are named `bench-<province>-...` and have no usable password.
    """
    unusable = make_password(None)
    staff = {}
    for office in offices:
        big = weights[office.pk] >= BIG_OFFICE_WEIGHT
        leader, _ = User.objects.get_or_create(
            username=f"bench-{office.province_code:02d}-leader",
            defaults={
                "role": Role.OFFICE_LEADER,
                "office": office,
                "full_name": f"Lãnh đạo {office.name}",
                "password": unusable,
            },
        )
        officer_ids = []
        count = OFFICERS_PER_BIG_OFFICE if big else OFFICERS_PER_OFFICE
        for number in range(1, count + 1):
            officer, _ = User.objects.get_or_create(
                username=f"bench-{office.province_code:02d}-officer-{number:02d}",
                defaults={
                    "role": Role.PROCESSING_OFFICER,
                    "office": office,
                    "full_name": f"Chuyên viên {number:02d}",
                    "password": unusable,
                },
            )
            officer_ids.append(officer.pk)
        staff[office.pk] = Staff(leader_id=leader.pk, officer_ids=officer_ids)
    return staff


def _versions_in_force(today: dt.date) -> list[tuple[int, int, int]]:
    """(procedure id, version id, time limit in calendar days) of each version in force."""
    latest: dict[int, ProcedureVersion] = {}
    for version in ProcedureVersion.objects.filter(effective_from__lte=today).order_by(
        "effective_from"
    ):
        if version.effective_to is None or version.effective_to >= today:
            latest[version.procedure_id] = version
    rows = []
    for version in latest.values():
        days = version.time_limit
        if version.time_limit_unit == "working_days":
            days = round(days * 1.4)
        rows.append((version.procedure_id, version.pk, max(days, 2)))
    return rows


def _code_counters() -> dict[str, int]:
    """Last sequence number per "<agency code>-<YYMMDD>" prefix already stored."""
    counters: dict[str, int] = defaultdict(int)
    pattern = re.compile(r"^(.*-\d{6})-(\d+)$")
    for code in (
        Dossier.objects.exclude(code__isnull=True)
        .values_list("code", flat=True)
        .iterator(chunk_size=20_000)
    ):
        match = pattern.match(code)
        if match:
            prefix, number = match.group(1), int(match.group(2))
            counters[prefix] = max(counters[prefix], number)
    return counters


class _People:
    """Synthetic applicants; about one dossier in five comes from someone seen before."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: list[tuple[str, str]] = []
        self.families = list(FAMILY_NAMES)
        self.family_weights = list(FAMILY_NAMES.values())
        self.male_given = MALE_GIVEN.split()
        self.female_given = FEMALE_GIVEN.split()

    def pick(self, province_code: int) -> tuple[str, str]:
        rng = self.rng
        if self.seen and rng.random() < 0.2:
            return rng.choice(self.seen)
        female = rng.random() < 0.55
        family = rng.choices(self.families, self.family_weights)[0]
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        given = rng.choice(self.female_given if female else self.male_given)
        year = rng.randint(1955, 2006)
        century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
        national_id = (
            f"{province_code:03d}{century_digit}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        )
        person = (f"{family} {middle} {given}", national_id)
        if len(self.seen) < 50_000:
            self.seen.append(person)
        else:
            self.seen[rng.randrange(len(self.seen))] = person
        return person


class _Generator:
    def __init__(self, *, rng, offices, weights, staff, now) -> None:
        self.rng = rng
        self.now = now
        self.offices = offices
        self.office_cum = _cumulative([weights[o.pk] for o in offices])
        self.staff = staff
        self.states = list(STATE_WEIGHTS)
        self.state_cum = _cumulative(list(STATE_WEIGHTS.values()))
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_cum = _cumulative(list(CHANNEL_WEIGHTS.values()))
        self.versions = _versions_in_force(timezone.localdate(now))
        self.counters = _code_counters()
        self.people = _People(rng)

    def _times_open(self, limit_days: int) -> tuple[dt.datetime, dt.datetime]:
        """(filed at, due at) for an open dossier: due dates spread around now."""
        rng, now = self.rng, self.now
        roll = rng.random()
        if roll < 0.08:  # overdue
            due = now - dt.timedelta(hours=rng.uniform(0.5, 24 * 7))
        elif roll < 0.15:  # due in the next 24 hours
            due = now + dt.timedelta(hours=rng.uniform(0.1, 23.9))
        else:
            due = now + dt.timedelta(hours=rng.uniform(24, 24 * 25))
        filed = min(due - dt.timedelta(days=limit_days), now - dt.timedelta(minutes=30))
        return filed, due

    def row(self) -> dict:
        rng, now = self.rng, self.now
        office = self.offices[_pick(rng, self.office_cum)]
        state = self.states[_pick(rng, self.state_cum)]
        channel = self.channels[_pick(rng, self.channel_cum)]
        procedure_id, version_id, limit_days = rng.choice(self.versions)
        name, national_id = self.people.pick(office.province_code)
        officers = self.staff[office.pk].officer_ids
        row = {
            "reference": uuid.UUID(int=rng.getrandbits(128), version=4),
            "procedure_id": procedure_id,
            "version_id": version_id,
            "state": state,
            "channel": channel,
            "applicant_name": name,
            "applicant_national_id": national_id,
            "applicant_phone": f"09{rng.randint(0, 99_999_999):08d}",
            "applicant_province_code": office.province_code,
            "return_method": ReturnMethod.ELECTRONIC
            if channel == Channel.ONLINE
            else ReturnMethod.COUNTER,
            "receiving_office_id": office.pk,
            "competent_office_id": office.pk,
        }
        if state == DossierState.DRAFT:
            created = now - dt.timedelta(hours=rng.uniform(1, 24 * 20))
            row |= {
                "created_at": created,
                "updated_at": created,
                "draft_expires_at": created + dt.timedelta(days=30),
            }
            return row

        if state in CLOSED_STATES:
            filed = now - dt.timedelta(days=rng.uniform(limit_days + 2, HISTORY_DAYS))
            due = filed + dt.timedelta(days=limit_days)
        else:
            filed, due = self._times_open(limit_days)
        prefix = f"{office.agency_code}-{filed.astimezone(LOCAL_TZ):%y%m%d}"
        self.counters[prefix] += 1
        received = None if state == DossierState.SUBMITTED else filed
        if state == DossierState.REFUSED:
            received = None
        row |= {
            "code": f"{prefix}-{self.counters[prefix]:04d}",
            "created_at": filed - dt.timedelta(minutes=rng.uniform(5, 600)),
            "updated_at": filed,
            "submitted_at": filed,
            "received_at": received,
            "due_at": due,
            "original_due_at": due,
            "statutory_due_at": due,
        }
        if received is not None:
            row["received_by_id"] = rng.choice(officers)
        unassigned = state == DossierState.RECEIVED and rng.random() < 0.5
        if received is not None and not unassigned:
            row["assigned_to_id"] = rng.choice(officers)
            row["assigned_at"] = received + dt.timedelta(hours=rng.uniform(0.5, 8))

        if state == DossierState.SUPPLEMENT_REQUESTED:
            row |= {
                "state_before_supplement": DossierState.IN_PROCESSING,
                "clock_paused_at": min(now, filed + dt.timedelta(days=1)),
                "supplement_items": Jsonb(["Giấy ra viện"]),
                "supplement_reason": "Thiếu giấy ra viện",
            }
        if state in (
            DossierState.AWAITING_SIGNATURE,
            DossierState.PROCESSED,
            DossierState.RETURNED,
        ):
            row["outcome"] = Outcome.APPROVED if rng.random() < 0.95 else Outcome.DENIED
        if state in (DossierState.PROCESSED, DossierState.RETURNED):
            row["decided_at"] = min(now, due - dt.timedelta(days=rng.uniform(0, 2)))
        if state == DossierState.RETURNED:
            if rng.random() < LATE_SHARE:
                returned, timeliness = (
                    due + dt.timedelta(days=rng.uniform(0.1, 10)),
                    Timeliness.LATE,
                )
            elif rng.random() < 0.3:
                returned, timeliness = due - dt.timedelta(days=rng.uniform(1, 3)), Timeliness.EARLY
            else:
                returned, timeliness = (
                    due - dt.timedelta(hours=rng.uniform(0, 20)),
                    Timeliness.ON_TIME,
                )
            row |= {
                "returned_at": returned,
                "result_delivery": row["return_method"],
                "timeliness": timeliness,
                "updated_at": returned,
            }
        if state in (DossierState.REFUSED, DossierState.WITHDRAWN, DossierState.STOPPED):
            row["stop_reason"] = "Lý do tổng hợp cho đo hiệu năng"
        return row


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    target = rng.random() * cumulative[-1]
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < target:
            low = middle + 1
        else:
            high = middle
    return low


def _copy_columns() -> tuple[list[str], list[str], list]:
    """(attnames, quoted columns, default db values) of every concrete non-pk field."""
    fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    columns = [connection.ops.quote_name(f.column) for f in fields]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in fields]
    return attnames, columns, defaults


def _batches(generator: _Generator, count: int) -> Iterator[list[dict]]:
    done = 0
    while done < count:
        size = min(BATCH_SIZE, count - done)
        yield [generator.row() for _ in range(size)]
        done += size


def generate(*, target: int, seed: int, log) -> dict:
    """Top the dossier table up to `target` rows. Returns what the data set looks like."""
    rng = random.Random(seed)
    offices = provincial_offices()
    weights = office_weights(offices, rng)
    staff = ensure_staff(offices, weights)
    existing = Dossier.objects.count()
    missing = max(0, target - existing)
    if missing:
        log(f"generating {missing:,} dossiers ({existing:,} already stored)")
        # Continue the random stream from where a previous partial run stopped.
        rng.seed(seed + existing)
        generator = _Generator(
            rng=rng, offices=offices, weights=weights, staff=staff, now=timezone.now()
        )
        attnames, columns, defaults = _copy_columns()
        table = connection.ops.quote_name(Dossier._meta.db_table)
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - names from the model
        written = 0
        for batch in _batches(generator, missing):
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy(sql) as copy:
                    for row in batch:
                        copy.write_row(
                            [row.get(a, d) for a, d in zip(attnames, defaults, strict=True)]
                        )
            written += len(batch)
            if written % 50_000 == 0 or written == missing:
                log(f"  {written:,} / {missing:,}")
    else:
        log(f"{existing:,} dossiers already stored: generation skipped")
    # Fresh statistics and visibility map, as autovacuum would leave a table in production.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Dossier._meta.db_table)}")
        cursor.execute("ANALYZE")
    return {"staff": staff, "offices": offices, "weights": weights, "generated": missing}
