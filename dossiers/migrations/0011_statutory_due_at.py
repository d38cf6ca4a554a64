"""The statutory appointed time, apart from the date an apology gave (issue #14).

Backfill: a dossier without an apology has its statutory date in `due_at` (supplements moved
it, nothing else did). One with an apology falls back to its first appointment
(`original_due_at`): the date before the apology was not recorded, so a supplement that
stopped its clock before the apology is not counted (the conservative reading). Returned
apologised dossiers and their hand-overs are judged again against that date; the dashboards
migration queues their days for a rollup refresh.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def _timeliness(moment, due_at, tz):
    """Same rule as dossiers.services.workflow.timeliness_at (copied: no app imports here)."""
    if moment is None or due_at is None:
        return ""
    if moment.astimezone(tz).date() < due_at.astimezone(tz).date():
        return "early"
    if moment <= due_at:
        return "on_time"
    return "late"


def backfill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierHandover = apps.get_model("dossiers", "DossierHandover")
    tz = ZoneInfo(settings.TIME_ZONE)
    Dossier.objects.filter(apology_issued_at__isnull=True).update(statutory_due_at=F("due_at"))
    apologised = Dossier.objects.filter(apology_issued_at__isnull=False)
    apologised.filter(original_due_at__isnull=True).update(statutory_due_at=F("due_at"))
    apologised.filter(original_due_at__isnull=False).update(statutory_due_at=F("original_due_at"))
    rows = apologised.values_list("pk", "state", "returned_at", "statutory_due_at")
    for pk, state, returned_at, statutory in rows.iterator(chunk_size=1000):
        if state == "returned":
            Dossier.objects.filter(pk=pk).update(
                timeliness=_timeliness(returned_at, statutory, tz)
            )
        for handover in DossierHandover.objects.filter(dossier_id=pk).only("pk", "given_at"):
            result = _timeliness(handover.given_at, statutory, tz)
            DossierHandover.objects.filter(pk=handover.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0010_code_serial_and_tracking_book"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="statutory_due_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="statutory appointed time"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]

