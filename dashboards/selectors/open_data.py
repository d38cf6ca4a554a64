"""Open data (Decree 47/2020/ND-CP): aggregated figures per province and month.

Only counts and rates over a province-month leave the portal: no dossier codes, names,
identifiers, offices below the province, or single-dossier times. Rates and averages
computed from fewer than `OPEN_DATA_MIN_CELL` dossiers are withheld (null), so that no
figure describes one person's dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from core.db import replica_reads
from dossiers.constants import Channel
from offices.geography import province_name
from queues.statistics import wait_by_province_month

from ..constants import ELECTRONIC_CHANNELS, OPEN_DATA_MIN_CELL
from ..models import RollupDay
from .figures import round_1, share
from .summary import summary_parts
from .waiting import minutes_1


@dataclass(frozen=True)
class DictionaryEntry:
    name: str
    type: str
    description_vi: str
    description_en: str

    @property
    def help_text(self) -> str:
        return f"{self.description_vi} / {self.description_en}"


_WITHHELD_VI = f"; để trống khi tính từ dưới {OPEN_DATA_MIN_CELL} hồ sơ"
_WITHHELD_EN = f"; null when computed from fewer than {OPEN_DATA_MIN_CELL} dossiers"
_WAIT_WITHHELD_VI = f"; để trống khi tính từ dưới {OPEN_DATA_MIN_CELL} lượt khách"
_WAIT_WITHHELD_EN = f"; null when computed from fewer than {OPEN_DATA_MIN_CELL} visitors"
_WAIT_VI = (
    " (thời gian chờ: từ lúc lấy số đến lúc được gọi, với lịch hẹn đến sớm thì tính từ giờ hẹn)"
)
_WAIT_EN = (
    " (wait: from taking a ticket to being called, from the appointment's time for a "
    "booking taken early)"
)

DICTIONARY: tuple[DictionaryEntry, ...] = (
    DictionaryEntry(
        "province_code",
        "integer",
        "Mã tỉnh, thành phố của cơ quan BHXH có thẩm quyền (Quyết định 19/2025/QĐ-TTg)",
        "Province code of the competent social security office (Decision 19/2025/QD-TTg)",
    ),
    DictionaryEntry("province_name", "string", "Tên tỉnh, thành phố", "Province name"),
    DictionaryEntry("month", "string (YYYY-MM)", "Tháng", "Month"),
    DictionaryEntry(
        "received", "integer", "Số hồ sơ được tiếp nhận trong tháng", "Dossiers received"
    ),
    DictionaryEntry(
        "received_online",
        "integer",
        "Hồ sơ tiếp nhận trực tuyến (Cổng dịch vụ công, VssID)",
        "Dossiers received online (public service portals, VssID)",
    ),
    DictionaryEntry(
        "received_counter", "integer", "Hồ sơ tiếp nhận tại quầy", "Received at the counter"
    ),
    DictionaryEntry(
        "received_post", "integer", "Hồ sơ tiếp nhận qua bưu chính", "Received by post"
    ),
    DictionaryEntry(
        "received_ivan",
        "integer",
        "Hồ sơ tiếp nhận qua nhà cung cấp I-VAN",
        "Received through I-VAN providers",
    ),
    DictionaryEntry(
        "electronic_share",
        "number (%)",
        "Tỷ lệ hồ sơ tiếp nhận điện tử (trực tuyến và I-VAN)" + _WITHHELD_VI,
        "Share received electronically (online and I-VAN)" + _WITHHELD_EN,
    ),
    DictionaryEntry(
        "received_outside_residence",
        "integer",
        "Hồ sơ tiếp nhận ngoài tỉnh, thành phố nơi người nộp cư trú (tại cơ quan của tỉnh khác, "
        "hoặc trực tuyến bởi cơ quan có thẩm quyền của tỉnh khác)",
        "Dossiers received outside the applicant's province of residence (at an office of "
        "another province, or online by the competent office of another province)",
    ),
    DictionaryEntry(
        "received_digitised",
        "integer",
        "Hồ sơ tiếp nhận đã được số hóa toàn bộ",
        "Dossiers received and fully digitised",
    ),
    DictionaryEntry(
        "processed", "integer", "Hồ sơ đã giải quyết (có quyết định)", "Dossiers decided"
    ),
    DictionaryEntry("returned", "integer", "Hồ sơ đã trả kết quả", "Results returned"),
    DictionaryEntry("returned_early", "integer", "Trả kết quả trước hạn", "Returned early"),
    DictionaryEntry("returned_on_time", "integer", "Trả kết quả đúng hạn", "Returned on time"),
    DictionaryEntry(
        "returned_late",
        "integer",
        "Trả kết quả quá hạn (sau thời hạn theo quy định, kể cả khi đã có phiếu xin lỗi)",
        "Returned late (after the statutory date, even with an apology letter)",
    ),
    DictionaryEntry(
        "returned_late_apologised",
        "integer",
        "Trong đó: trả đúng ngày hẹn lại trong phiếu xin lỗi",
        "Of which returned by the new date of the apology letter",
    ),
    DictionaryEntry(
        "on_time_rate",
        "number (%)",
        "Tỷ lệ trả kết quả trước hạn và đúng hạn" + _WITHHELD_VI,
        "Share returned early or on time" + _WITHHELD_EN,
    ),
    DictionaryEntry(
        "returned_signed",
        "integer",
        "Kết quả trả có chữ ký số",
        "Results returned with an electronic signature",
    ),
    DictionaryEntry(
        "average_processing_days",
        "number",
        "Thời gian giải quyết trung bình, từ tiếp nhận đến trả kết quả, tính bằng ngày làm "
        "việc" + _WITHHELD_VI,
        "Average processing time from reception to return, in working days" + _WITHHELD_EN,
    ),
    DictionaryEntry(
        "paid_non_cash",
        "integer",
        "Chế độ được duyệt chi trả qua tài khoản cá nhân",
        "Approved benefits paid to a personal account",
    ),
    DictionaryEntry(
        "paid_cash",
        "integer",
        "Chế độ được duyệt chi trả bằng tiền mặt",
        "Approved benefits paid in cash",
    ),
    DictionaryEntry(
        "rated",
        "integer",
        "Số lượt đánh giá mức độ hài lòng trong tháng",
        "Satisfaction ratings given in the month",
    ),
    DictionaryEntry(
        "rated_satisfied",
        "integer",
        "Số lượt đánh giá hài lòng (4 hoặc 5 trên 5)",
        "Ratings of 4 or 5 out of 5 (satisfied)",
    ),
    DictionaryEntry(
        "satisfied_share",
        "number (%)",
        "Tỷ lệ hài lòng" + _WITHHELD_VI,
        "Share of satisfied ratings" + _WITHHELD_EN,
    ),
    DictionaryEntry(
        "average_score",
        "number (1-5)",
        "Điểm hài lòng trung bình" + _WITHHELD_VI,
        "Average overall score" + _WITHHELD_EN,
    ),
    DictionaryEntry(
        "counter_visitors",
        "integer",
        "Số lượt khách được gọi tại quầy một cửa theo số thứ tự (không tính lượt chuyển quầy)",
        "Visitors called at the one-stop-shop counters from the queue (transfers not counted)",
    ),
    DictionaryEntry(
        "called_within_15_min_share",
        "number (%)",
        "Tỷ lệ khách được gọi trong vòng 15 phút" + _WAIT_VI + _WAIT_WITHHELD_VI,
        "Share of visitors called within 15 minutes" + _WAIT_EN + _WAIT_WITHHELD_EN,
    ),
    DictionaryEntry(
        "median_wait_minutes",
        "number",
        "Thời gian chờ trung vị, tính bằng phút" + _WAIT_VI + _WAIT_WITHHELD_VI,
        "Median wait, in minutes" + _WAIT_EN + _WAIT_WITHHELD_EN,
    ),
    DictionaryEntry(
        "p90_wait_minutes",
        "number",
        "Thời gian chờ phân vị 90 (9 trên 10 khách chờ không quá), tính bằng phút"
        + _WAIT_VI
        + _WAIT_WITHHELD_VI,
        "90th percentile wait (9 visitors in 10 waited no longer), in minutes"
        + _WAIT_EN
        + _WAIT_WITHHELD_EN,
    ),
)

DICTIONARY_FIELDS = tuple(entry.name for entry in DICTIONARY)


def dictionary_entry(name: str) -> DictionaryEntry:
    return next(entry for entry in DICTIONARY if entry.name == name)


def _sums() -> dict:
    sums = {
        f"t_{name}": Coalesce(Sum(name), 0)
        for name in (
            "received",
            "received_digitised",
            "received_outside_residence",
            "decided",
            "returned",
            "returned_early",
            "returned_on_time",
            "returned_late",
            "returned_late_apologised",
            "returned_signed",
            "processing_count",
            "paid_non_cash",
            "paid_cash",
            "rated",
            "rated_satisfied",
            "score_sum",
        )
    }
    sums["t_processing_days_sum"] = Coalesce(Sum("processing_days_sum"), 0.0)
    for channel in Channel.values:
        sums[f"t_ch_{channel}"] = Coalesce(Sum("received", filter=Q(channel=channel)), 0)
    return sums


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _withheld(value, denominator: int):
    return value if denominator >= OPEN_DATA_MIN_CELL else None


@replica_reads()
def open_data_rows(*, year: int, province_code: int | None = None) -> list[dict]:
    """One row per province and month of `year` with any activity, in dictionary order."""
    q = Q(province_code__isnull=False)
    if province_code is not None:
        q &= Q(province_code=province_code)
    # Whole months of the year from the monthly summary (12 rows per office, procedure and
    # channel at most): no sort spilling to disk, whatever the number of dossiers.
    merged: dict[tuple[int, dt.date], dict] = {}
    for part in summary_parts(q, dt.date(year, 1, 1), dt.date(year, 12, 31)):
        grouped = (
            part.rows.annotate(month_start=TruncMonth(part.date_field))
            .order_by()
            .values("province_code", "month_start")
            .annotate(**_sums())
        )
        for item in grouped:
            key = (item.pop("province_code"), _as_date(item.pop("month_start")))
            sums = merged.setdefault(key, {})
            for name, value in item.items():
                sums[name] = sums.get(name, 0) + value
    # The counter wait: one grouped query over the queue's tickets (issue #19).
    waits = wait_by_province_month(year=year, province_code=province_code)
    zeros = dict.fromkeys(_sums(), 0)
    for key in waits:
        merged.setdefault(key, dict(zeros))
    rows = [
        {"t_province_code": code, "t_month": month, **sums}
        for (code, month), sums in sorted(merged.items())
    ]
    result = []
    for totals in rows:
        r = {k.removeprefix("t_"): v for k, v in totals.items()}
        wait = waits.get((r["province_code"], r["month"])) or {
            "visitors": 0,
            "within_target": 0,
            "median_seconds": None,
            "p90_seconds": None,
        }
        visitors = wait["visitors"]
        electronic = sum(r[f"ch_{c}"] for c in ELECTRONIC_CHANNELS)
        timed = r["returned_early"] + r["returned_on_time"] + r["returned_late"]
        count = r["processing_count"]
        average = round_1(r["processing_days_sum"] / count) if count else None
        row = {
            "province_code": r["province_code"],
            "province_name": province_name(r["province_code"]),
            "month": r["month"].strftime("%Y-%m"),
            "received": r["received"],
            "received_online": r[f"ch_{Channel.ONLINE}"],
            "received_counter": r[f"ch_{Channel.COUNTER}"],
            "received_post": r[f"ch_{Channel.POST}"],
            "received_ivan": r[f"ch_{Channel.IVAN}"],
            "electronic_share": _withheld(share(electronic, r["received"]), r["received"]),
            "received_outside_residence": r["received_outside_residence"],
            "received_digitised": r["received_digitised"],
            "processed": r["decided"],
            "returned": r["returned"],
            "returned_early": r["returned_early"],
            "returned_on_time": r["returned_on_time"],
            "returned_late": r["returned_late"],
            "returned_late_apologised": r["returned_late_apologised"],
            "on_time_rate": _withheld(
                share(r["returned_early"] + r["returned_on_time"], timed), timed
            ),
            "returned_signed": r["returned_signed"],
            "average_processing_days": _withheld(average, count),
            "paid_non_cash": r["paid_non_cash"],
            "paid_cash": r["paid_cash"],
            "rated": r["rated"],
            "rated_satisfied": r["rated_satisfied"],
            "satisfied_share": _withheld(share(r["rated_satisfied"], r["rated"]), r["rated"]),
            "average_score": _withheld(
                round_1(r["score_sum"] / r["rated"]) if r["rated"] else None, r["rated"]
            ),
            "counter_visitors": visitors,
            "called_within_15_min_share": _withheld(
                share(wait["within_target"], visitors), visitors
            ),
            "median_wait_minutes": _withheld(minutes_1(wait["median_seconds"]), visitors),
            "p90_wait_minutes": _withheld(minutes_1(wait["p90_seconds"]), visitors),
        }
        result.append({name: row[name] for name in DICTIONARY_FIELDS})
    return result


@replica_reads()
def open_data_computed_at(*, year: int) -> dt.datetime | None:
    """When the open data of `year` was computed: the latest refresh of its days."""
    return RollupDay.objects.filter(day__year=year).aggregate(latest=Max("refreshed_at"))["latest"]
