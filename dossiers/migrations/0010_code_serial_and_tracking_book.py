"""Dossier codes take a longer daily serial (ADR 0005), and the tracking book's index.

The code column grows from 40 to 48 characters (on PostgreSQL a longer varchar changes
only the catalogue: no table rewrite). The index (receiving office, submitted_at, id) is
built with CREATE INDEX CONCURRENTLY on PostgreSQL (no lock on a large dossiers table),
plainly elsewhere; the migration is therefore not atomic.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["receiving_office", "submitted_at", "id"], name="dossier_book_idx")


def forward(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def reverse(apps, schema_editor):
    model = apps.get_model("dossiers", "Dossier")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0009_idempotency_any_resource")]
    operations = [
        migrations.AlterField(
            model_name="dossier",
            name="code",
            field=models.CharField(
                blank=True, max_length=48, null=True, unique=True, verbose_name="dossier code"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="dossier", index=INDEX)],
            database_operations=[migrations.RunPython(forward, reverse)],
        ),
    ]
