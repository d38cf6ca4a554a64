"""Only the table's owner may purge registry events, as for the dossier trail
(dossiers 0016): the purge switch alone no longer lets a connection delete them, and
`beneficiaries_registry_event_purge(before)` is an owner-only SECURITY DEFINER function.
"""

from django.db import migrations

TABLE = "beneficiaries_registryevent"

GUARD = """
CREATE OR REPLACE FUNCTION beneficiaries_registry_event_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('vss.allow_purge', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
    THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'registry events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
OLD_GUARD = """
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
"""
PURGE = f"""
CREATE OR REPLACE FUNCTION beneficiaries_registry_event_purge(before timestamptz) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('vss.allow_purge', true), 'off');
    purged bigint;
BEGIN
    PERFORM set_config('vss.allow_purge', 'on', true);
    DELETE FROM {TABLE} WHERE created_at < before;
    GET DIAGNOSTICS purged = ROW_COUNT;
    PERFORM set_config('vss.allow_purge', previous, true);
    RETURN purged;
END;
$$;
REVOKE ALL ON FUNCTION beneficiaries_registry_event_purge(timestamptz) FROM PUBLIC;
"""
DROP_PURGE = "DROP FUNCTION IF EXISTS beneficiaries_registry_event_purge(timestamptz);"


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
    dependencies = [("beneficiaries", "0003_si_code_cccd_and_hi_card_tail_index")]
    operations = [migrations.RunPython(forward, reverse)]
