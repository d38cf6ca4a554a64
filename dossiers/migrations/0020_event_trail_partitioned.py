"""The dossier event trail becomes a table partitioned by month (PostgreSQL, issue #15).

The trail is the fastest-growing table (several events per dossier, 15-20 million dossiers a
year). Monthly range partitions on `created_at` (Vietnam months) keep each partition's
indexes small, let dashboards and purges prune by time, and let an old month be detached
and archived whole (docs/scaling.md). The guard stays as it was: the row triggers are
cloned onto every partition by PostgreSQL, and every partition carries its own TRUNCATE
trigger, so neither the parent nor a partition can be rewritten by the application's role.

- `dossiers_event_partitions_ensure(since, months_ahead)` creates the month partitions from
  `since` to `months_ahead` months after now (with the hot-table autovacuum settings), moving
  any rows the default partition holds for such a month. It runs as the table's owner
  (SECURITY DEFINER) and creates only empty tables, so the beat task may call it as the app.
- Rows outside every month partition (historic imports, far-future clocks) land in the
  default partition: an insert never fails for want of a partition.
- The primary key is (id, created_at), as PostgreSQL requires the partition key in it; `id`
  still comes from one sequence, so it stays unique, and Django keeps using it alone.

SQLite (the development default) keeps the plain table. Moving a large trail takes a
copy of it: plan the migration for a quiet hour (docs/operations.md). Going back leaves
the trail partitioned, which the model reads and writes the same way.
"""

from django.db import migrations

TABLE = "dossiers_dossierevent"
OLD = "dossiers_dossierevent_unpartitioned"

ENSURE = """
CREATE OR REPLACE FUNCTION dossiers_event_partitions_ensure(
    since timestamptz, months_ahead integer DEFAULT 3
) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    first_month date := date_trunc('month', since AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
    last_month date := date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                       + make_interval(months => months_ahead);
    month date;
    part text;
    low timestamptz;
    high timestamptz;
    stray bigint;
    previous text;
    made integer := 0;
BEGIN
    month := first_month;
    WHILE month <= last_month LOOP
        part := format('dossiers_dossierevent_%s', to_char(month, 'YYYY"m"MM'));
        IF to_regclass(part) IS NULL THEN
            low := month::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh';
            high := (month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh';
            -- Rows the default partition took for this month move into it (as the owner,
            -- with the purge switch on for this transaction only).
            SELECT count(*) INTO stray FROM dossiers_dossierevent_default
                WHERE created_at >= low AND created_at < high;
            IF stray > 0 THEN
                previous := coalesce(current_setting('vss.allow_purge', true), 'off');
                PERFORM set_config('vss.allow_purge', 'on', true);
                CREATE TEMP TABLE dossiers_event_moving (LIKE dossiers_dossierevent)
                    ON COMMIT DROP;
                WITH moved AS (
                    DELETE FROM dossiers_dossierevent_default
                    WHERE created_at >= low AND created_at < high RETURNING *
                ) INSERT INTO dossiers_event_moving SELECT * FROM moved;
                PERFORM set_config('vss.allow_purge', previous, true);
            END IF;
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF dossiers_dossierevent FOR VALUES FROM (%L) TO (%L)',
                part, low, high
            );
            EXECUTE format(
                'CREATE TRIGGER dossiers_event_no_truncate BEFORE TRUNCATE ON %I '
                'FOR EACH STATEMENT EXECUTE FUNCTION dossiers_event_append_only()', part
            );
            EXECUTE format(
                'ALTER TABLE %I SET (autovacuum_vacuum_scale_factor = 0.01, '
                'autovacuum_vacuum_insert_scale_factor = 0.01, '
                'autovacuum_analyze_scale_factor = 0.005)', part
            );
            IF stray > 0 THEN
                INSERT INTO dossiers_dossierevent SELECT * FROM dossiers_event_moving;
                DROP TABLE dossiers_event_moving;
            END IF;
            made := made + 1;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN made;
END;
$$;
"""


def _one(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        schema = _one(cursor, "SELECT quote_ident(current_schema())")
        if _one(
            cursor,
            "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = %s::regclass",
            [TABLE],
        ):
            return  # already partitioned (a database made by a later version)
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        since = _one(cursor, f"SELECT coalesce(min(created_at), now()) FROM {TABLE}")
        # What the plain table has, to give the partitioned one the same names.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = %s AND indexname <> %s",
            [TABLE, f"{TABLE}_pkey"],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign_keys = cursor.fetchall()
        sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])

        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER INDEX {TABLE}_pkey RENAME TO {OLD}_pkey")
        for position, (name, _definition) in enumerate(indexes):
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{OLD}_idx{position}"')
        if sequence:
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {OLD}_id_seq")

        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS) PARTITION BY RANGE (created_at)"
        )
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq AS bigint OWNED BY {TABLE}.id")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, created_at)")
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            # The definition names the index and the table as they were: the same names now.
            cursor.execute(definition)
        # The guard: row triggers are cloned onto each partition; TRUNCATE ones are per table.
        cursor.execute(
            f"CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE OR DELETE ON {TABLE}"
            " FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only()"
        )
        cursor.execute(
            f"CREATE TRIGGER dossiers_event_no_truncate BEFORE TRUNCATE ON {TABLE}"
            " FOR EACH STATEMENT EXECUTE FUNCTION dossiers_event_append_only()"
        )
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(
            f"CREATE TRIGGER dossiers_event_no_truncate BEFORE TRUNCATE ON {TABLE}_default"
            " FOR EACH STATEMENT EXECUTE FUNCTION dossiers_event_append_only()"
        )
        cursor.execute(ENSURE.replace("{schema}", schema))
        cursor.execute("SELECT dossiers_event_partitions_ensure(%s, 3)", [since])

        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(
            f"SELECT setval('{TABLE}_id_seq', coalesce(max(id), 0) + 1, false) FROM {TABLE}"
        )
        cursor.execute(f"DROP TABLE {OLD}")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0019_event_fk_without_db_constraint"),
        ("notifications", "0004_event_fk_without_db_constraint"),
        ("partners", "0002_event_fk_without_db_constraint"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
