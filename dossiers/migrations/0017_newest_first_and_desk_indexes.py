"""Indexes for the reads of issue #15 (docs/benchmarks.md, "Officer and citizen reads").

- The dossier API lists newest first: an office's dossiers by (competent office, created_at,
  id); those its desk took in for another office by (receiving office, created_at, id), a
  partial index of only those rows; everyone's by (created_at, id) for supervisors.
- A counter officer's worklist: open dossiers the desk took in for another office, in due
  order (the competent half already has `dossier_open_office_due_idx`).

Built with CREATE INDEX CONCURRENTLY on PostgreSQL (no lock on a large dossiers table),
plainly elsewhere; the migration is therefore not atomic.
"""

from django.db import migrations, models
from django.db.models import F, Q

OPEN = [
    "appraisal",
    "awaiting_signature",
    "in_processing",
    "payment_requested",
    "processed",
    "received",
    "submitted",
    "supplement_requested",
]
RECEIVED_ELSEWHERE = Q(competent_office__isnull=True) | ~Q(competent_office=F("receiving_office"))

INDEXES = [
    models.Index(
        fields=["competent_office", "created_at", "id"], name="dossier_office_created_idx"
    ),
    models.Index(
        fields=["receiving_office", "created_at", "id"],
        condition=RECEIVED_ELSEWHERE,
        name="dossier_desk_created_idx",
    ),
    models.Index(fields=["created_at", "id"], name="dossier_created_idx"),
    models.Index(
        fields=["receiving_office", "due_at", "id"],
        condition=Q(state__in=OPEN) & RECEIVED_ELSEWHERE,
        name="dossier_open_desk_due_idx",
    ),
]


def forward(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        schema_editor.add_index(model, index, **({"concurrently": True} if postgres else {}))


def reverse(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        schema_editor.remove_index(model, index, **({"concurrently": True} if postgres else {}))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0016_audit_purge_by_owner")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="dossier", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
