"""Indexes measured in docs/benchmarks.md, plus those for predictions and dashboards.

Built with CREATE INDEX CONCURRENTLY on PostgreSQL (no lock on a large dossiers table),
plainly elsewhere; the migration is therefore not atomic.
"""

from django.db import migrations, models

OPEN = ["appraisal", "awaiting_signature", "in_processing", "payment_requested", "processed",
        "received", "submitted", "supplement_requested"]
CLOSED = ["refused", "returned", "stopped", "withdrawn"]

INDEXES = [
    models.Index(
        fields=["competent_office", "due_at", "id", "state", "assigned_to"],
        condition=models.Q(state__in=OPEN),
        name="dossier_open_office_due_idx",
    ),
    models.Index(
        fields=["competent_office", "due_at", "id"],
        condition=models.Q(state__in=CLOSED),
        name="dossier_closed_office_due_idx",
    ),
    models.Index(
        fields=["due_at", "id"], condition=models.Q(state__in=OPEN), name="dossier_open_due_idx"
    ),
    models.Index(
        fields=["competent_office", "procedure", "returned_at"],
        condition=models.Q(state="returned"),
        name="dossier_returned_history_idx",
    ),
    models.Index(fields=["competent_office", "received_at"], name="dossier_office_received_idx"),
    models.Index(fields=["competent_office", "decided_at"], name="dossier_office_decided_idx"),
    models.Index(fields=["competent_office", "returned_at"], name="dossier_office_returned_idx"),
]

TRGM_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS dossier_name_trgm_idx ON dossiers_dossier "
    "USING gin (UPPER(applicant_name::text) gin_trgm_ops)",
]
TRGM_REVERSE = ["DROP INDEX CONCURRENTLY IF EXISTS dossier_name_trgm_idx"]


def forward(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if postgres:
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)
    if postgres:
        for statement in TRGM_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        for statement in TRGM_REVERSE:
            schema_editor.execute(statement)
    for index in INDEXES:
        if postgres:
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0007_document_fulltext")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="dossier", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
