"""SI codes may be the 12-digit CCCD (Law on Social Insurance 2024), HI cards are looked up
by the 10 digits printed since 2021.

The validators of the stored columns stay strict (a person's `si_code` column keeps the
10-digit code VSS issued, a card's `number` the 15-character form); no data changes. The
index on the last 10 characters of active card numbers is built concurrently (the card
table is large), so this migration is not atomic.
"""

import beneficiaries.validators
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """Concurrently on PostgreSQL; a plain CREATE INDEX on SQLite (the embedded default)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("beneficiaries", "0002_registry_events_append_only"),
        ("dossiers", "0009_idempotency_any_resource"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hicard",
            name="number",
            field=models.CharField(
                max_length=15,
                validators=[beneficiaries.validators.validate_full_hi_card_number],
                verbose_name="card number",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="si_code",
            field=models.CharField(
                blank=True,
                max_length=10,
                null=True,
                unique=True,
                validators=[beneficiaries.validators.validate_legacy_si_code],
                verbose_name="social insurance code",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="hicard",
            index=models.Index(
                django.db.models.functions.text.Right("number", 10),
                condition=models.Q(("status", "active")),
                name="hicard_active_si_code_idx",
            ),
        ),
    ]
