"""The audit trail is append-only in the database itself, not only in code.

UPDATE is always refused; DELETE/TRUNCATE only pass on a connection that allows purging
(see dossiers/audit.py).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION dossiers_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' AND current_setting('vss.allow_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'dossier events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only();
CREATE TRIGGER dossiers_event_no_truncate BEFORE TRUNCATE ON dossiers_dossierevent
    FOR EACH STATEMENT EXECUTE FUNCTION dossiers_event_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS dossiers_event_no_update ON dossiers_dossierevent;
DROP TRIGGER IF EXISTS dossiers_event_no_truncate ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS dossiers_event_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE ON dossiers_dossierevent
       BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;""",
    """CREATE TRIGGER dossiers_event_no_delete BEFORE DELETE ON dossiers_dossierevent
       WHEN vss_allow_purge() = 0
       BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS dossiers_event_no_update;",
    "DROP TRIGGER IF EXISTS dossiers_event_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
