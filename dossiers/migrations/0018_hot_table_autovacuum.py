"""Per-table autovacuum for the hot dossier tables (issue #15; docs/operations.md).

PostgreSQL's defaults wait for 20 % of a table to change before vacuuming it (10 % before
analysing it): 2 million updates on a 10-million-row dossier table. Meanwhile the worklist's
index-only scans fetch every updated heap page (the visibility map is stale) and the planner
keeps estimates from before. These tables are vacuumed after about 1 % of their rows change
(or are inserted) and analysed after about 0.5 %. PostgreSQL only: elsewhere nothing happens.
"""

from django.db import migrations

TABLES = ["dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierdocument"]
SETTINGS = {
    "autovacuum_vacuum_scale_factor": "0.01",
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_analyze_scale_factor": "0.005",
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    options = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET ({options})")


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} RESET ({', '.join(SETTINGS)})"
        )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0017_newest_first_and_desk_indexes")]
    operations = [migrations.RunPython(forward, reverse, elidable=False)]
