"""Index for "overdue now" by the statutory date (issue #14): open dossiers with an apology.

Small (only apologised open dossiers) but built with CREATE INDEX CONCURRENTLY on PostgreSQL
so the dossiers table is never locked; plainly elsewhere. Not atomic, as 0008.
"""

from django.db import migrations, models

OPEN_NOT_PAUSED = [
    "appraisal",
    "awaiting_signature",
    "in_processing",
    "payment_requested",
    "processed",
    "received",
    "submitted",
]

INDEX = models.Index(
    fields=["statutory_due_at"],
    condition=models.Q(apology_issued_at__isnull=False) & models.Q(state__in=OPEN_NOT_PAUSED),
    name="dossier_apologised_overdue_idx",
)


def forward(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.add_index(model, INDEX, **({"concurrently": True} if postgres else {}))


def reverse(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.remove_index(model, INDEX, **({"concurrently": True} if postgres else {}))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0011_statutory_due_at")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="dossier", index=INDEX)],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
