"""The inbox newest first by index, and autovacuum for the notification table (issue #15).

The index is built with CREATE INDEX CONCURRENTLY on PostgreSQL (no lock on a large table),
plainly elsewhere; the migration is therefore not atomic. The autovacuum settings are those
of the dossier tables (dossiers 0017, docs/operations.md), PostgreSQL only.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=["recipient", "channel", "created_at"], name="notification_inbox_time_idx"
)
TABLE = "notifications_notification"
SETTINGS = {
    "autovacuum_vacuum_scale_factor": "0.01",
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_analyze_scale_factor": "0.005",
}


def forward(apps, schema_editor):
    model = apps.get_model("notifications", "Notification")
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.add_index(model, INDEX, **({"concurrently": True} if postgres else {}))
    if postgres:
        options = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(TABLE)} SET ({options})")


def reverse(apps, schema_editor):
    model = apps.get_model("notifications", "Notification")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(TABLE)} RESET ({', '.join(SETTINGS)})"
        )
    schema_editor.remove_index(model, INDEX, **({"concurrently": True} if postgres else {}))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("notifications", "0002_staff_audience_and_delivery_attempts")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="notification", index=INDEX)],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
