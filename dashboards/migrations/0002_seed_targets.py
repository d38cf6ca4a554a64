"""Seed the plan targets (shared/DOMAIN.md, "Legal frame"). Editable afterwards in the admin.

Values are written only when a target is missing, so edits survive re-running the migration;
reversing removes the seeded keys.
"""

from decimal import Decimal

from django.db import migrations

PLANS = "Kế hoạch 2402/KH-BHXH (2021), 4777/KH-BHXH (2025); Quyết định 38/QĐ-TTg"

TARGETS = [
    {
        "key": "on_time",
        "value": Decimal("100"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": "Thời hạn giải quyết theo quy định (Nghị định 61/2018/NĐ-CP, 118/2025/NĐ-CP)",
        "note": "Statutory target: every dossier within its time limit.",
    },
    {
        "key": "online_share",
        "value": Decimal("80"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "2026 target: 80% of dossiers processed online.",
    },
    {
        "key": "cross_boundary",
        "value": Decimal("100"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "For procedures that need no field inspection.",
    },
    {
        "key": "digitised",
        "value": Decimal("100"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "Every dossier digitised and shared.",
    },
    {
        "key": "signed",
        "value": Decimal("95"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "95% of documents signed online.",
    },
    {
        "key": "satisfaction",
        "value": Decimal("90"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "At least 85% for social insurance participants.",
    },
    {
        "key": "wait_time",
        "value": Decimal("15"),
        "unit": "minutes",
        "comparison": "at_most",
        "basis": PLANS,
        "note": "Per transaction.",
    },
    {
        "key": "non_cash",
        "value": Decimal("68"),
        "unit": "percent",
        "comparison": "at_least",
        "basis": PLANS,
        "note": "Urban benefits paid non-cash (74% reached in H1 2024).",
    },
]


def seed(apps, schema_editor):
    Target = apps.get_model("dashboards", "Target")
    for target in TARGETS:
        Target.objects.get_or_create(key=target["key"], defaults=target)


def unseed(apps, schema_editor):
    Target = apps.get_model("dashboards", "Target")
    Target.objects.filter(key__in=[t["key"] for t in TARGETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_rollups_and_targets")]

    operations = [migrations.RunPython(seed, unseed)]
