"""Full-text search in recognised document text (PostgreSQL only; nothing on SQLite).

- the `unaccent` extension (trusted since PostgreSQL 13: the database owner may create
  it; older servers need a superuser), left in place when migrating back;
- the `vss_vietnamese` text search configuration: a copy of `simple` whose word mappings
  go through `unaccent` first, so search ignores Vietnamese diacritics and case;
- the GIN expression index `document_ocr_text_fts_idx` on
  `to_tsvector('vss_vietnamese'::regconfig, ocr_text)`, built CONCURRENTLY (hence a
  non-atomic migration) so the documents table stays writable while it builds.

The model state does not know the index (an expression over a custom configuration);
`dossiers.search` writes its filter exactly as the indexed expression.
"""

from django.db import migrations

CONFIG = "vss_vietnamese"
INDEX = "document_ocr_text_fts_idx"
TABLE = "dossiers_dossierdocument"


def create_text_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_ts_config WHERE cfgname = %s "
            "AND cfgnamespace = current_schema()::regnamespace",
            [CONFIG],
        )
        exists = cursor.fetchone() is not None
    if not exists:
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
    )


def drop_text_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {TABLE} "
        f"USING gin (to_tsvector('{CONFIG}'::regconfig, ocr_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("dossiers", "0006_sla_tracking"),
    ]

    operations = [
        migrations.RunPython(create_text_search, drop_text_search, atomic=True),
        migrations.RunPython(create_index, drop_index),
    ]
