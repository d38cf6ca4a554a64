"""Fill the monthly summary from the existing daily rollups; tune autovacuum (PostgreSQL).

The summary is what the dashboards read for whole months, so it is filled here rather than
left to the nightly refresh (which only covers the last 62 days). Self-contained: it does not
import app code.
"""

import datetime as dt

from django.db import migrations
from django.db.models import Sum

KEY = ("province_code", "competent_office_id", "procedure_id", "channel")
COUNTERS = (
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
    "processing_days_sum",
    "paid_non_cash",
    "paid_cash",
    "paid_via_employer",
    "rated",
    "rated_satisfied",
    "score_sum",
    "timeliness_sum",
    "attitude_sum",
    "guidance_sum",
    "trips_sum",
)

# The rollup tables are small but rewritten all day: analyse them after 1 % of their rows
# changed, not PostgreSQL's default 10 % (the planner then knows today's rows exist).
AUTOVACUUM = (
    "autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000, "
    "autovacuum_vacuum_scale_factor = 0.05"
)
RESET = (
    "autovacuum_analyze_scale_factor, autovacuum_analyze_threshold, "
    "autovacuum_vacuum_scale_factor"
)
TABLES = ("dashboards_dailyrollup", "dashboards_monthlyrollup")


def fill(apps, schema_editor):
    DailyRollup = apps.get_model("dashboards", "DailyRollup")
    MonthlyRollup = apps.get_model("dashboards", "MonthlyRollup")
    RollupMonth = apps.get_model("dashboards", "RollupMonth")
    months = DailyRollup.objects.dates("day", "month")
    for month in months:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(
            day=1
        )
        daily = DailyRollup.objects.filter(day__gte=month, day__lt=following).order_by()
        histograms = {}
        for *key, histogram in daily.filter(processing_count__gt=0).values_list(
            *KEY, "processing_histogram"
        ):
            merged = histograms.setdefault(tuple(key), {})
            for bucket, count in histogram.items():
                merged[bucket] = merged.get(bucket, 0) + count
        rows = [
            MonthlyRollup(
                month=month,
                **{k: item[k] for k in KEY},
                **{name: item[f"s_{name}"] or 0 for name in COUNTERS},
                processing_histogram=histograms.get(tuple(item[k] for k in KEY), {}),
            )
            for item in daily.values(*KEY).annotate(**{f"s_{n}": Sum(n) for n in COUNTERS})
        ]
        MonthlyRollup.objects.bulk_create(rows, batch_size=1000)
        RollupMonth.objects.update_or_create(month=month)


def empty(apps, schema_editor):
    apps.get_model("dashboards", "MonthlyRollup").objects.all().delete()
    apps.get_model("dashboards", "RollupMonth").objects.all().delete()


def tune_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET ({AUTOVACUUM})")


def reset_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET ({RESET})")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0004_monthly_summary")]

    operations = [
        migrations.RunPython(fill, empty),
        migrations.RunPython(tune_autovacuum, reset_autovacuum),
    ]
