"""One number per deciding office, year and series: a partial unique index on the dossiers.

Built with CREATE UNIQUE INDEX CONCURRENTLY on PostgreSQL (no write lock on a large
dossiers table), plainly elsewhere; the migration is therefore not atomic.
"""

from django.db import migrations, models

CONSTRAINT = models.UniqueConstraint(
    fields=["decision_office", "decision_year", "decision_number"],
    condition=~models.Q(decision_number=""),
    name="dossier_decision_number_unique",
)
POSTGRES_FORWARD = (
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dossier_decision_number_unique "
    "ON dossiers_dossier (decision_office_id, decision_year, decision_number) "
    "WHERE NOT (decision_number = '')"
)
POSTGRES_REVERSE = "DROP INDEX CONCURRENTLY IF EXISTS dossier_decision_number_unique"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    else:
        schema_editor.add_constraint(apps.get_model("dossiers", "Dossier"), CONSTRAINT)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    else:
        schema_editor.remove_constraint(apps.get_model("dossiers", "Dossier"), CONSTRAINT)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0013_decision_numbers_and_apology_signature")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="dossier", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
