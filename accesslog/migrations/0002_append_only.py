"""The access log is append-only in the database, like the dossier trail (dossiers 0002,
0016): UPDATE is always refused; DELETE and TRUNCATE pass only for the table's owner with
the purge switch on (see dossiers/audit.py). `accesslog_purge(before)` is the owner-only
retention purge (SECURITY DEFINER, EXECUTE revoked from PUBLIC).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE'
       AND current_setting('vss.allow_purge', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
    THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accesslog_no_update BEFORE UPDATE OR DELETE ON accesslog_accessrecord
    FOR EACH ROW EXECUTE FUNCTION accesslog_append_only();
CREATE TRIGGER accesslog_no_truncate BEFORE TRUNCATE ON accesslog_accessrecord
    FOR EACH STATEMENT EXECUTE FUNCTION accesslog_append_only();
CREATE OR REPLACE FUNCTION accesslog_purge(before timestamptz) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('vss.allow_purge', true), 'off');
    purged bigint;
BEGIN
    PERFORM set_config('vss.allow_purge', 'on', true);
    DELETE FROM accesslog_accessrecord WHERE at < before;
    GET DIAGNOSTICS purged = ROW_COUNT;
    PERFORM set_config('vss.allow_purge', previous, true);
    RETURN purged;
END;
$$;
REVOKE ALL ON FUNCTION accesslog_purge(timestamptz) FROM PUBLIC;
"""
PG_REVERSE = """
DROP FUNCTION IF EXISTS accesslog_purge(timestamptz);
DROP TRIGGER IF EXISTS accesslog_no_update ON accesslog_accessrecord;
DROP TRIGGER IF EXISTS accesslog_no_truncate ON accesslog_accessrecord;
DROP FUNCTION IF EXISTS accesslog_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER accesslog_no_update BEFORE UPDATE ON accesslog_accessrecord
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
    """CREATE TRIGGER accesslog_no_delete BEFORE DELETE ON accesslog_accessrecord
       WHEN vss_allow_purge() = 0
       BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accesslog_no_update;",
    "DROP TRIGGER IF EXISTS accesslog_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT quote_ident(current_schema())")
            schema = cursor.fetchone()[0]
        schema_editor.execute(PG_FORWARD.replace("{schema}", schema))
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
    dependencies = [("accesslog", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
