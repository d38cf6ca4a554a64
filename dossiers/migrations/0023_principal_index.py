"""The principal's dossiers (filing for another person, issue #18): a partial index, only
rows filed for someone else, built with CREATE INDEX CONCURRENTLY on PostgreSQL so the
dossiers table is never locked; plainly elsewhere. Not atomic, as 0012.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=["principal", "-created_at"],
    condition=models.Q(principal__isnull=False),
    name="dossier_principal_idx",
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
    dependencies = [("dossiers", "0022_representation")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="dossier", index=INDEX)],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
