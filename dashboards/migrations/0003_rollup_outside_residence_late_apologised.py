"""Issue #14: the rollups count dossiers received outside the applicant's province of
residence (replacing "received at another office than the competent one" and the
field-inspection flag, which the boundary-free figure no longer needs: it is read from the
catalogue) and late results returned by the apologised date.

Every computed day is queued for a refresh (whole days), so the new counters and the
timeliness the dossiers migration judged again reach the figures on the next periodic run.
"""

from django.db import migrations, models


OLD_NOTE = "For procedures that need no field inspection."
NEW_NOTE = (
    "Of the published procedures: filed online from any province and at any office's counter."
)


def boundary_target_note(apps, schema_editor):
    """The seeded note, unless edited since: the target is now a share of procedures."""
    Target = apps.get_model("dashboards", "Target")
    Target.objects.filter(key="cross_boundary", note=OLD_NOTE).update(note=NEW_NOTE)


def queue_every_day(apps, schema_editor):
    RollupDay = apps.get_model("dashboards", "RollupDay")
    RollupDirtyDay = apps.get_model("dashboards", "RollupDirtyDay")
    days = RollupDay.objects.values_list("day", flat=True).order_by("day")
    RollupDirtyDay.objects.bulk_create(
        (RollupDirtyDay(day=day, competent_office=None) for day in days.iterator()),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_seed_targets"),
        ("dossiers", "0011_statutory_due_at"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="dailyrollup",
            name="boundary_eligible",
        ),
        migrations.RemoveField(
            model_name="dailyrollup",
            name="received_cross_boundary",
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="received_outside_residence",
            field=models.PositiveIntegerField(
                default=0,
                verbose_name="received outside the applicant's province of residence",
            ),
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="returned_late_apologised",
            field=models.PositiveIntegerField(
                default=0, verbose_name="returned late, by the apologised date"
            ),
        ),
        migrations.RunPython(boundary_target_note, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(queue_every_day, migrations.RunPython.noop, elidable=True),
    ]
