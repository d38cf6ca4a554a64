"""Registry events are append-only in the database, like the dossier trail.

UPDATE is always refused; DELETE and TRUNCATE pass only on a connection that allows
purging (`AUDIT_PURGE_ALLOWED`, set by dossiers/audit.py for the test suite).
"""

from django.db import migrations

TABLE = "beneficiaries_registryevent"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION beneficiaries_registry_event_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('vss.allow_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'registry events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registry_event_guard_rows BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION beneficiaries_registry_event_guard();
CREATE TRIGGER registry_event_guard_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION beneficiaries_registry_event_guard();
"""
PG_REVERSE = f"""
DROP TRIGGER IF EXISTS registry_event_guard_rows ON {TABLE};
DROP TRIGGER IF EXISTS registry_event_guard_truncate ON {TABLE};
DROP FUNCTION IF EXISTS beneficiaries_registry_event_guard();
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER registry_event_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'registry events are append-only'); END;""",
    f"""CREATE TRIGGER registry_event_no_delete BEFORE DELETE ON {TABLE}
       WHEN vss_allow_purge() = 0
       BEGIN SELECT RAISE(ABORT, 'registry events are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_event_no_update;",
    "DROP TRIGGER IF EXISTS registry_event_no_delete;",
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
    dependencies = [
        ("beneficiaries", "0001_registry_and_bundles"),
        # The SQLite trigger calls vss_allow_purge(), registered by dossiers/audit.py.
        ("dossiers", "0002_append_only_events"),
    ]
    operations = [migrations.RunPython(forward, reverse)]
