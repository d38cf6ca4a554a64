"""Only the table's owner may purge the dossier trail; the purge is an owner-only function.

Before, any connection could `SET vss.allow_purge = 'on'` and delete events. Now DELETE and
TRUNCATE pass only when the purge switch is on AND the current user is (a member of) the
table's owner: the application's role (docs/operations.md, `db_roles_setup`) is not, so the
switch does nothing for it. `dossiers_event_purge(before)` deletes events older than a date;
it runs as its owner (SECURITY DEFINER) and EXECUTE is revoked from PUBLIC.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION dossiers_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE'
       AND current_setting('vss.allow_purge', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
    THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'dossier events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
OLD_GUARD = """
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
"""
PURGE = """
CREATE OR REPLACE FUNCTION dossiers_event_purge(before timestamptz) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('vss.allow_purge', true), 'off');
    purged bigint;
BEGIN
    PERFORM set_config('vss.allow_purge', 'on', true);
    DELETE FROM dossiers_dossierevent WHERE created_at < before;
    GET DIAGNOSTICS purged = ROW_COUNT;
    PERFORM set_config('vss.allow_purge', previous, true);
    RETURN purged;
END;
$$;
REVOKE ALL ON FUNCTION dossiers_event_purge(timestamptz) FROM PUBLIC;
"""
DROP_PURGE = "DROP FUNCTION IF EXISTS dossiers_event_purge(timestamptz);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no roles: the development database keeps its trigger
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    schema_editor.execute(GUARD)
    schema_editor.execute(PURGE.replace("{schema}", schema))


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_PURGE)
    schema_editor.execute(OLD_GUARD)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0015_event_kinds_version_changed_and_verification")]
    operations = [migrations.RunPython(forward, reverse)]
