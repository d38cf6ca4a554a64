"""Synthetic national-scale data for the benchmarks, loaded with set-based SQL.

Imported by `bench/run.py` after `django.setup()` (and by the loader test). Every value is
made up: names come from common Vietnamese family, middle and given names, CCCD numbers
follow the 12-digit layout (province, gender/century digit, birth year, 6 random digits)
but are random.

Nothing is generated row by row in Python. Each table is filled by one
`INSERT ... SELECT ... FROM generate_series(...)` whose distributions (office, state,
channel, procedure, dates, names) are drawn in SQL from small lookup tables (TEMP tables of
1,000 buckets, joined by equality, so a weight of 0.1 % is exact). Dossier codes are numbered
with `row_number()` per receiving office and local day, continuing `dossiers_dailysequence`,
and the sequence rows are written afterwards, so the first real submission after a load gets
the next free number. Identity sequences advance by themselves (ids are never given).

For a large load the secondary indexes, unique and foreign-key constraints of the filled
tables are dropped first and rebuilt after, all inside one transaction per table (a failure
rolls everything back, indexes included). The final tables stay ordinary logged tables.

`guard_database()` refuses any database whose name lacks "bench"; `load()` calls it first.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import Channel, DossierState
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


class NotABenchDatabase(RuntimeError):
    """The configured database's name does not contain "bench": the loader touches nothing."""


def guard_database(*, allow_test_database: bool = False) -> str:
    """Name of the configured database, or NotABenchDatabase.

    `allow_test_database` is for the loader's own test only: it also accepts pytest-django's
    throw-away `test_<name>` database.
    """
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql":
        raise NotABenchDatabase(f"the loader needs PostgreSQL (got {connection.vendor})")
    if "bench" in name or (allow_test_database and name.startswith("test_")):
        return name
    raise NotABenchDatabase(f"refusing to load into database {name!r}: its name lacks 'bench'")


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


def _buckets(weights: dict, size: int) -> list:
    """`size` keys, each repeated in proportion to its weight (largest remainders)."""
    total = sum(weights.values())
    exact = {key: weight * size / total for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    short = size - sum(counts.values())
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
        counts[key] += 1
    return [key for key, count in counts.items() for _ in range(count)]


def _lookup_tables(cursor, *, offices, weights, staff, versions) -> None:
    """TEMP lookup tables the INSERT ... SELECT statements join by equality."""
    cursor.execute(
        "DROP TABLE IF EXISTS bench_office, bench_state, bench_channel, bench_version, "
        "bench_component"
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_office (bucket int PRIMARY KEY, office_id bigint, "
        "agency_code text, province_code int, officers bigint[], n_officers int)"
    )
    by_id = {o.pk: o for o in offices}
    rows = []
    for bucket, office_id in enumerate(_buckets(weights, 1000)):
        office = by_id[office_id]
        officers = staff[office_id].officer_ids
        rows.append(
            (bucket, office_id, office.agency_code, office.province_code, officers, len(officers))
        )
    cursor.executemany("INSERT INTO bench_office VALUES (%s, %s, %s, %s, %s, %s)", rows)

    cursor.execute(
        "CREATE TEMP TABLE bench_state (bucket int PRIMARY KEY, state text, closed bool, "
        "received bool, decided bool)"
    )
    received = set(STATE_WEIGHTS) - {
        DossierState.DRAFT,
        DossierState.SUBMITTED,
        DossierState.REFUSED,
    }
    decided = {DossierState.AWAITING_SIGNATURE, DossierState.PROCESSED, DossierState.RETURNED}
    cursor.executemany(
        "INSERT INTO bench_state VALUES (%s, %s, %s, %s, %s)",
        [
            (bucket, str(state), state in CLOSED_STATES, state in received, state in decided)
            for bucket, state in enumerate(_buckets(STATE_WEIGHTS, 1000))
        ],
    )
    cursor.execute("CREATE TEMP TABLE bench_channel (bucket int PRIMARY KEY, channel text)")
    cursor.executemany(
        "INSERT INTO bench_channel VALUES (%s, %s)",
        [(b, str(c)) for b, c in enumerate(_buckets(CHANNEL_WEIGHTS, 100))],
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_version (idx int PRIMARY KEY, procedure_id bigint, "
        "version_id bigint, days int)"
    )
    cursor.executemany(
        "INSERT INTO bench_version VALUES (%s, %s, %s, %s)",
        [(i, *row) for i, row in enumerate(versions)],
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_component AS SELECT version_id, "
        "array_agg(id ORDER BY id) AS ids, count(*)::int AS n "
        "FROM procedures_documentcomponent GROUP BY version_id"
    )
    cursor.execute("ANALYZE bench_office, bench_state, bench_channel, bench_version")


def _columns(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _insert_select(cursor, model, *, expressions: dict[str, str], source: str, params: dict):
    """INSERT INTO model's table (every column) SELECT expressions FROM source.

    Columns without an expression get the model field's default, cast to the column type,
    so a field added later with a default does not break the loader.
    """
    targets, values = [], []
    for field in _columns(model):
        targets.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column])
        else:
            key = f"default_{field.column}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({key})s::{field.db_type(connection)}")
    unknown = set(expressions) - {f.column for f in _columns(model)}
    if unknown:
        raise ValueError(f"unknown columns for {model.__name__}: {sorted(unknown)}")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(targets)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608 - names from the models
    cursor.execute(sql, params)
    return cursor.rowcount


class _IndexesSetAside:
    """Drop the secondary indexes, unique and foreign-key constraints of `table`; rebuild.

    Must run inside a transaction: a failure rolls the drop back with the rows.
    """

    def __init__(self, cursor, table: str, log) -> None:
        self.cursor, self.table, self.log = cursor, table, log
        self.constraints: list[str] = []
        self.indexes: list[str] = []

    def __enter__(self):
        cursor, table = self.cursor, self.table
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        quoted = connection.ops.quote_name(table)
        for name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
            self.constraints.append(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                f"{definition}"
            )
        for name, definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            self.indexes.append(definition)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return False  # the transaction rolls the drops back
        # Unique constraints first (they build indexes), then plain indexes, then the
        # foreign keys, which are validated by one join each instead of a check per row.
        uniques = [c for c in self.constraints if " UNIQUE " in c]
        foreign = [c for c in self.constraints if c not in uniques]
        for statement in [*uniques, *self.indexes, *foreign]:
            self.cursor.execute(statement)
        self.log(
            f"  {self.table}: rebuilt {len(self.indexes)} indexes, "
            f"{len(self.constraints)} constraints"
        )
        return False


CLOSED_SQL = ", ".join(f"'{s}'" for s in sorted(CLOSED_STATES))

DOSSIER_SOURCE = """(
 SELECT y0.*,
   CASE WHEN y0.state = 'draft' THEN NULL ELSE
     y0.agency_code || '-' || to_char(y0.filed AT TIME ZONE %(tz)s, 'YYMMDD') || '-' ||
     lpad(y0.serial::text, greatest(4, length(y0.serial::text)), '0')
   END AS code
 FROM (
  SELECT x.*, coalesce(ds.last_number, 0) + row_number() OVER (
      PARTITION BY x.office_id, x.day ORDER BY x.filed, x.g) AS serial
  FROM (
    SELECT b.*, o.office_id, o.agency_code, o.province_code, o.officers, o.n_officers,
      s.state, s.closed, s.received, s.decided, c.channel,
      v.procedure_id, v.version_id, v.days, t.filed, t.due,
      (t.filed AT TIME ZONE %(tz)s)::date AS day,
      %(now)s - (1 + b.r_a * 479) * interval '1 hour' AS draft_created,
      CASE WHEN b.r_late < %(late_share)s THEN 'late'
           WHEN b.r_e < 0.3 THEN 'early' ELSE 'on_time' END AS timeliness,
      CASE WHEN c.channel = 'online' AND %(citizens)s > 0
           THEN %(first_citizen)s + floor(b.r_f * %(citizens)s)::bigint END AS applicant_id,
      o.officers[1 + floor(b.r_g * o.n_officers)::int] AS officer_a,
      o.officers[1 + floor(b.r_h * o.n_officers)::int] AS officer_b,
      b.r_i < 0.55 AS female
    FROM (
      SELECT g, random() AS r_office, random() AS r_state, random() AS r_chan,
        random() AS r_ver, random() AS r_a, random() AS r_b, random() AS r_c,
        random() AS r_d, random() AS r_e, random() AS r_f, random() AS r_g, random() AS r_h,
        random() AS r_i, random() AS r_late
      FROM generate_series(1, %(count)s) AS g
    ) b
    JOIN bench_office o ON o.bucket = floor(b.r_office * 1000)::int
    JOIN bench_state s ON s.bucket = floor(b.r_state * 1000)::int
    JOIN bench_channel c ON c.bucket = floor(b.r_chan * 100)::int
    JOIN bench_version v ON v.idx = floor(b.r_ver * %(versions)s)::int
    CROSS JOIN LATERAL (
      SELECT
        CASE WHEN b.r_a < 0.08 THEN %(now)s - (0.5 + b.r_b * 167.5) * interval '1 hour'
             WHEN b.r_a < 0.15 THEN %(now)s + (0.1 + b.r_b * 23.8) * interval '1 hour'
             ELSE %(now)s + (24 + b.r_b * 576) * interval '1 hour' END AS due_open,
        %(now)s - (v.days + 2 + b.r_a * (%(history)s - v.days - 2)) * interval '1 day'
          AS filed_closed
    ) t1
    CROSS JOIN LATERAL (
      SELECT
        CASE WHEN s.state = 'draft' THEN NULL WHEN s.closed THEN t1.filed_closed
             ELSE least(t1.due_open - v.days * interval '1 day',
                        %(now)s - (0.5 + b.r_c * 47.5) * interval '1 hour') END AS filed,
        CASE WHEN s.state = 'draft' THEN NULL
             WHEN s.closed THEN t1.filed_closed + v.days * interval '1 day'
             ELSE t1.due_open END AS due
    ) t
  ) x
  LEFT JOIN dossiers_dailysequence ds ON ds.office_id = x.office_id AND ds.day = x.day
 ) y0
) y"""

_RETURNED_AT = """least(%(now)s, CASE y.timeliness
  WHEN 'late' THEN y.due + (0.1 + y.r_c * 9.9) * interval '1 day'
  WHEN 'early' THEN y.due - (1 + y.r_c * 2) * interval '1 day'
  ELSE y.due - y.r_c * 20 * interval '1 hour' END)"""

DOSSIER_EXPRESSIONS = {
    "reference": "gen_random_uuid()",
    "code": "y.code",
    "state": "y.state",
    "channel": "y.channel",
    "applicant_name": (
        "(%(family)s::text[])[1 + floor(y.r_c * 100)::int] || ' ' || "
        "CASE WHEN y.female THEN (%(female_middle)s::text[])[1 + floor(y.r_d * %(n_fm)s)::int]"
        " ELSE (%(male_middle)s::text[])[1 + floor(y.r_d * %(n_mm)s)::int] END || ' ' || "
        "CASE WHEN y.female THEN (%(female_given)s::text[])[1 + floor(y.r_e * %(n_fg)s)::int]"
        " ELSE (%(male_given)s::text[])[1 + floor(y.r_e * %(n_mg)s)::int] END"
    ),
    "applicant_national_id": (
        "lpad(y.province_code::text, 3, '0') || "
        "CASE WHEN y.female THEN '1' ELSE '0' END || "
        "lpad((55 + floor(y.r_h * 45))::int::text, 2, '0') || "
        "lpad(floor(y.r_g * 1000000)::int::text, 6, '0')"
    ),
    "applicant_phone": "'09' || lpad(floor(y.r_b * 100000000)::bigint::text, 8, '0')",
    "applicant_province_code": "y.province_code",
    "return_method": "CASE WHEN y.channel = 'online' THEN 'electronic' ELSE 'counter' END",
    "created_at": (
        "CASE WHEN y.state = 'draft' THEN y.draft_created "
        "ELSE y.filed - (5 + y.r_d * 595) * interval '1 minute' END"
    ),
    "updated_at": (
        "CASE WHEN y.state = 'draft' THEN y.draft_created "
        f"WHEN y.state = 'returned' THEN {_RETURNED_AT} ELSE y.filed END"
    ),
    "draft_expires_at": (
        "CASE WHEN y.state = 'draft' THEN y.draft_created + interval '30 days' END"
    ),
    "submitted_at": "y.filed",
    "received_at": "CASE WHEN y.received THEN y.filed END",
    "due_at": "y.due",
    "original_due_at": "y.due",
    "statutory_due_at": "y.due",
    "clock_paused_at": (
        "CASE WHEN y.state = 'supplement_requested' "
        "THEN least(%(now)s, y.filed + interval '1 day') END"
    ),
    "decided_at": (
        "CASE WHEN y.state IN ('processed', 'returned') "
        "THEN least(%(now)s, y.due - y.r_d * 2 * interval '1 day') END"
    ),
    "returned_at": f"CASE WHEN y.state = 'returned' THEN {_RETURNED_AT} END",
    "outcome": (
        "CASE WHEN y.decided THEN CASE WHEN y.r_i < 0.95 THEN 'approved' ELSE 'denied' END "
        "ELSE '' END"
    ),
    "timeliness": "CASE WHEN y.state = 'returned' THEN y.timeliness ELSE '' END",
    "applicant_id": "y.applicant_id",
    "created_by_id": (
        "coalesce(y.applicant_id, CASE WHEN y.channel <> 'online' THEN y.officer_a END)"
    ),
    "received_by_id": "CASE WHEN y.received THEN y.officer_a END",
    "assigned_to_id": (
        "CASE WHEN y.received AND NOT (y.state = 'received' AND y.r_late > 0.5) "
        "THEN y.officer_b END"
    ),
    "assigned_at": (
        "CASE WHEN y.received AND NOT (y.state = 'received' AND y.r_late > 0.5) "
        "THEN y.filed + (0.5 + y.r_h * 7.5) * interval '1 hour' END"
    ),
    "procedure_id": "y.procedure_id",
    "version_id": "y.version_id",
    "receiving_office_id": "y.office_id",
    "competent_office_id": "y.office_id",
    "result_delivery": (
        "CASE WHEN y.state = 'returned' THEN "
        "CASE WHEN y.channel = 'online' THEN 'electronic' ELSE 'counter' END ELSE '' END"
    ),
    "state_before_supplement": (
        "CASE WHEN y.state = 'supplement_requested' THEN 'in_processing' ELSE '' END"
    ),
    "supplement_items": (
        "CASE WHEN y.state = 'supplement_requested' THEN '[\"Giấy ra viện\"]'::jsonb "
        "ELSE '[]'::jsonb END"
    ),
    "supplement_reason": (
        "CASE WHEN y.state = 'supplement_requested' THEN 'Thiếu giấy ra viện' ELSE '' END"
    ),
    "stop_reason": (
        "CASE WHEN y.state IN ('refused', 'withdrawn', 'stopped') "
        "THEN 'Lý do tổng hợp cho đo hiệu năng' ELSE '' END"
    ),
    # What the SLA sweeps would already have done: flagged an hour after the deadline,
    # warned a day before. The newest overdue dossiers are left for the next sweep.
    "overdue_flagged_at": (
        f"CASE WHEN y.state NOT IN ('draft', 'supplement_requested', {CLOSED_SQL}) "
        "AND y.due < %(now)s - interval '1 hour' THEN y.due + interval '5 minutes' END"
    ),
    "due_soon_warned_at": (
        f"CASE WHEN y.state NOT IN ('draft', {CLOSED_SQL}) "
        "AND y.due - interval '1 day' < %(now)s THEN y.due - interval '1 day' END"
    ),
}

# One row per step a dossier went through, taken from its own timestamps.
EVENT_SOURCE = """dossiers_dossier d
CROSS JOIN LATERAL (VALUES
  ('created', 'citizen', '', 'draft', false, d.created_at, d.created_by_id),
  ('submitted', 'citizen', 'draft', 'submitted', true,
    CASE WHEN d.state <> 'draft' THEN d.submitted_at END, d.created_by_id),
  ('received', 'counter_officer', 'submitted', 'received', true, d.received_at,
    d.received_by_id),
  ('transition', 'office_leader', 'received', 'in_processing', true,
    CASE WHEN d.state NOT IN ('submitted', 'received', 'refused', 'draft')
      THEN d.assigned_at END, d.assigned_to_id),
  ('transition', 'processing_officer', 'in_processing', 'supplement_requested', true,
    d.clock_paused_at, d.assigned_to_id),
  ('transition', 'office_leader', 'awaiting_signature', 'processed', true, d.decided_at,
    d.assigned_to_id),
  ('transition', 'counter_officer', 'processed', 'returned', true, d.returned_at,
    d.received_by_id),
  ('transition', 'counter_officer', 'submitted', d.state, true,
    CASE WHEN d.state IN ('refused', 'withdrawn', 'stopped')
      THEN d.submitted_at + interval '1 day' END, d.received_by_id)
) AS e(kind, actor_role, from_state, to_state, citizen_visible, at, actor)
WHERE d.id > %(after_id)s AND e.at IS NOT NULL"""

EVENT_EXPRESSIONS = {
    "kind": "e.kind",
    "actor_role": "e.actor_role",
    "from_state": "e.from_state",
    "to_state": "e.to_state",
    "citizen_visible": "e.citizen_visible",
    "created_at": "e.at",
    "actor_id": "e.actor",
    "dossier_id": "d.id",
    "office_id": "d.competent_office_id",
}

DOCUMENT_SOURCE = """dossiers_dossier d
JOIN bench_component bc ON bc.version_id = d.version_id
CROSS JOIN LATERAL generate_series(1, least(bc.n, 1 + (d.id %% 3)::int)) AS k
WHERE d.id > %(after_id)s AND d.state <> 'draft'"""

DOCUMENT_EXPRESSIONS = {
    "source": "CASE WHEN d.channel = 'online' THEN 'upload' ELSE 'scan' END",
    "file": "'bench/ho-so-mau.pdf'",
    "original_name": "'ho-so-' || k || '.pdf'",
    "content_type": "'application/pdf'",
    "size": "150000 + (d.id * 7919 + k) %% 900000",
    "sha256": "md5(d.id::text || '-' || k) || md5(k || '-' || d.id::text)",
    "page_count": "1 + (d.id + k) %% 4",
    "digitisation_status": "'done'",
    "created_at": "d.submitted_at - k * interval '1 minute'",
    "component_id": "bc.ids[k]",
    "dossier_id": "d.id",
    "uploaded_by_id": "d.created_by_id",
}

RATING_SOURCE = """(SELECT d.*, random() AS r1, random() AS r2, random() AS r3
  FROM dossiers_dossier d
  WHERE d.id > %(after_id)s AND d.state = 'returned' AND random() < %(rated_share)s) d"""

_SCORE = (
    "CASE WHEN {r} < 0.55 THEN 5 WHEN {r} < 0.80 THEN 4 WHEN {r} < 0.90 THEN 3 "
    "WHEN {r} < 0.95 THEN 2 ELSE 1 END"
)
RATING_EXPRESSIONS = {
    "channel": "CASE WHEN d.applicant_id IS NOT NULL THEN 'web' ELSE 'tablet' END",
    "score": _SCORE.format(r="d.r1"),
    "timeliness": _SCORE.format(r="CASE WHEN d.timeliness = 'late' THEN d.r2 + 0.3 ELSE d.r2 END"),
    "attitude": _SCORE.format(r="d.r3"),
    "guidance": _SCORE.format(r="(d.r1 + d.r3) / 2"),
    "trips_needed": "CASE WHEN d.r2 < 0.8 THEN 1 ELSE 2 END",
    "created_at": "d.returned_at + (1 + d.r3 * 47) * interval '1 hour'",
    "updated_at": "d.returned_at + (1 + d.r3 * 47) * interval '1 hour'",
    "dossier_id": "d.id",
    "rater_id": "d.applicant_id",
}

# The applicants' inbox: the citizen-visible events of the last 60 days.
NOTIFICATION_SOURCE = """dossiers_dossierevent e
JOIN dossiers_dossier d ON d.id = e.dossier_id
WHERE e.dossier_id > %(after_id)s AND e.citizen_visible AND d.applicant_id IS NOT NULL
  AND e.created_at > %(now)s - interval '60 days'"""

NOTIFICATION_EXPRESSIONS = {
    "channel": "'inbox'",
    "language": "'vi'",
    "subject": "'Hồ sơ ' || d.code || ': ' || e.to_state",
    "body": "'Trạng thái hồ sơ ' || d.code || ' đã thay đổi.'",
    "status": "'sent'",
    "attempts": "1",
    "created_at": "e.created_at",
    "sent_at": "e.created_at",
    "read_at": "CASE WHEN e.created_at < %(now)s - interval '7 days' THEN e.created_at "
    "+ interval '3 hours' END",
    "event_id": "e.id",
    "recipient_id": "d.applicant_id",
    "audience": "'citizen'",
}

CITIZEN_EXPRESSIONS = {
    "password": "%(unusable)s",
    "username": "'bench-citizen-' || g",
    "role": "'citizen'",
    "full_name": "'Công dân ' || g",
    "is_active": "true",
    "date_joined": "%(now)s - interval '800 days'",
    "preferred_language": "'vi'",
}

DAILY_SEQUENCE_SQL = """
INSERT INTO dossiers_dailysequence (office_id, day, last_number)
SELECT receiving_office_id, to_date(split_part(code, '-', 2), 'YYMMDD'),
       max(split_part(code, '-', 3)::int)
FROM dossiers_dossier
WHERE id > %(after_id)s AND code IS NOT NULL AND receiving_office_id IS NOT NULL
GROUP BY 1, 2
ON CONFLICT (office_id, day) DO UPDATE
SET last_number = GREATEST(dossiers_dailysequence.last_number, EXCLUDED.last_number)
"""

CITIZENS_PER_ONLINE_DOSSIER = 1 / 3
RATED_SHARE = 0.3
REBUILD_INDEXES_FROM = 50_000


def _table(model) -> str:
    return model._meta.db_table


def load(
    *,
    target: int,
    seed: int,
    log,
    now: dt.datetime | None = None,
    allow_test_database: bool = False,
    rollups: bool = True,
    rollup_days: int = 90,
) -> dict:
    """Top the dossier table up to `target` rows, with their events, documents, ratings,
    inbox notifications and applicants; fill `dossiers_dailysequence`. Returns what the
    data set looks like and the time each step took (seconds)."""
    from dossiers.models import DailySequence, DossierDocument, DossierEvent
    from notifications.models import Notification
    from ratings.models import Rating

    guard_database(allow_test_database=allow_test_database)
    now = now or timezone.now()
    rng = random.Random(seed)
    offices = provincial_offices()
    weights = office_weights(offices, rng)
    staff = ensure_staff(offices, weights)
    existing = Dossier.objects.count()
    missing = max(0, target - existing)
    timings: dict[str, float] = {}
    result = {"staff": staff, "offices": offices, "weights": weights, "generated": missing}
    if not missing:
        log(f"{existing:,} dossiers already stored: load skipped")
        result["timings"] = timings
        return result

    log(f"loading {missing:,} dossiers ({existing:,} already stored)")
    rebuild = missing >= REBUILD_INDEXES_FROM and missing > existing
    versions = _versions_in_force(timezone.localdate(now))
    params = {
        "now": now,
        "tz": str(LOCAL_TZ),
        "count": missing,
        "versions": len(versions),
        "history": HISTORY_DAYS,
        "late_share": LATE_SHARE,
        "rated_share": RATED_SHARE,
        "male_middle": MALE_MIDDLE,
        "female_middle": FEMALE_MIDDLE,
        "male_given": MALE_GIVEN.split(),
        "female_given": FEMALE_GIVEN.split(),
        "n_mm": len(MALE_MIDDLE),
        "n_fm": len(FEMALE_MIDDLE),
        "n_mg": len(MALE_GIVEN.split()),
        "n_fg": len(FEMALE_GIVEN.split()),
        "unusable": make_password(None),
        "family": _buckets(FAMILY_NAMES, 100),
    }

    def step(name: str, model, work) -> None:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            if rebuild and model is not None:
                with _IndexesSetAside(cursor, _table(model), log):
                    rows = work(cursor)
            else:
                rows = work(cursor)
        timings[name] = round(time.perf_counter() - started, 1)
        log(f"  {name}: {rows:,} rows in {timings[name]} s")

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        params["after_id"] = cursor.fetchone()[0]
        _lookup_tables(cursor, offices=offices, weights=weights, staff=staff, versions=versions)

    citizens = round(missing * CHANNEL_WEIGHTS[Channel.ONLINE] / 100 * CITIZENS_PER_ONLINE_DOSSIER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE username LIKE 'bench-citizen-%%'")
        first_number = cursor.fetchone()[0] + 1
    params["first_number"] = first_number

    def citizens_work(cursor):
        rows = _insert_select(
            cursor,
            User,
            expressions=CITIZEN_EXPRESSIONS,
            source=f"generate_series(%(first_number)s, %(first_number)s + {citizens - 1}) AS g",
            params=params,
        )
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM accounts_user "
            "WHERE username LIKE 'bench-citizen-%%' "
            "AND date_joined = %(now)s - interval '800 days'",
            params,
        )
        low, high, count = cursor.fetchone()
        if count and high - low + 1 != count:
            raise RuntimeError("bench citizens did not get consecutive ids")
        params["first_citizen"], params["citizens"] = low or 0, count
        return rows

    step("citizens", None, citizens_work)
    step(
        "dossiers",
        Dossier,
        lambda c: _insert_select(
            c, Dossier, expressions=DOSSIER_EXPRESSIONS, source=DOSSIER_SOURCE, params=params
        ),
    )

    def sequences_work(cursor):
        cursor.execute(DAILY_SEQUENCE_SQL, params)
        return cursor.rowcount

    step("daily sequences", None, sequences_work)
    with connection.cursor() as cursor:
        # The trail's month partitions from the oldest dossier on (dossiers migration 0020),
        # so that history does not all land in the default partition.
        cursor.execute(
            "SELECT dossiers_event_partitions_ensure(min(created_at), 3) FROM dossiers_dossier"
            " WHERE id > %(after_id)s",
            params,
        )
    step(
        "events",
        DossierEvent,
        lambda c: _insert_select(
            c, DossierEvent, expressions=EVENT_EXPRESSIONS, source=EVENT_SOURCE, params=params
        ),
    )
    step(
        "documents",
        DossierDocument,
        lambda c: _insert_select(
            c,
            DossierDocument,
            expressions=DOCUMENT_EXPRESSIONS,
            source=DOCUMENT_SOURCE,
            params=params,
        ),
    )
    step(
        "ratings",
        Rating,
        lambda c: _insert_select(
            c, Rating, expressions=RATING_EXPRESSIONS, source=RATING_SOURCE, params=params
        ),
    )
    step(
        "notifications",
        Notification,
        lambda c: _insert_select(
            c,
            Notification,
            expressions=NOTIFICATION_EXPRESSIONS,
            source=NOTIFICATION_SOURCE,
            params=params,
        ),
    )
    if rollups:
        # The dashboard reads its daily rollups: compute the last `rollup_days` (the whole
        # history took 1.7-4 s a day at 1M dossiers; `manage.py rollups_refresh --since` does
        # the rest when needed).
        from dashboards.services import days_between, rollups_refresh_days

        started = time.perf_counter()
        today = timezone.localdate(now)
        written = rollups_refresh_days(
            days=days_between(today - dt.timedelta(days=rollup_days - 1), today)
        )
        timings["rollups"] = round(time.perf_counter() - started, 1)
        log(f"  rollups: {sum(written.values()):,} rows in {timings['rollups']} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        tables = [_table(m) for m in (Dossier, DossierEvent, DossierDocument, Rating, Notification)]
        tables += [_table(User), _table(DailySequence), "dashboards_dailyrollup"]
        if connection.in_atomic_block:  # tests: VACUUM cannot run in a transaction
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            # Fresh statistics and visibility map, as autovacuum leaves a table in production.
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    timings["vacuum_analyze"] = round(time.perf_counter() - started, 1)
    log(f"  vacuum/analyze in {timings['vacuum_analyze']} s")
    result["timings"] = timings
    return result


def generate(*, target: int, seed: int, log) -> dict:
    """What `bench/run.py` calls: the load, guarded."""
    return load(target=target, seed=seed, log=log)
