"""Create (or bring up to date) the PostgreSQL role the application connects as.

Run as the database owner, the role that runs `migrate`, after every migration:

    DATABASE_URL=$DATABASE_OWNER_URL python manage.py db_roles_setup --role vss_app

The application role reads and writes the tables, but is not their owner: it cannot ALTER
them (so cannot disable the audit triggers), cannot TRUNCATE, cannot UPDATE or DELETE the
audit trail, and cannot call the purge functions. Safe to run again (docs/operations.md).
"""

from __future__ import annotations

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

# The append-only audit trail: the application may only add to it.
AUDIT_TABLES = (
    "dossiers_dossierevent",
    "beneficiaries_registryevent",
    # Sign-in security events (two-factor resets, lockouts): accounts 0004.
    "accounts_securityevent",
    "accesslog_accessrecord",
)
# Owner-only purges of old audit rows (dossiers 0016, beneficiaries 0004, accesslog 0002).
PURGE_FUNCTIONS = (
    "dossiers_event_purge(timestamptz)",
    "beneficiaries_registry_event_purge(timestamptz)",
    "accesslog_purge(timestamptz)",
)


ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class Command(BaseCommand):
    help = "Create or update the application's database role (PostgreSQL; run as the owner)."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="Name of the application's role.")
        parser.add_argument(
            "--password-env",
            default="",
            help="Environment variable holding the role's password (LOGIN role); "
            "without it the password is left as it is.",
        )

    def handle(self, *args, role: str, password_env: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        if not ROLE_NAME.fullmatch(role):
            raise CommandError("A role name is lower-case letters, digits and _.")
        password = os.environ.get(password_env, "") if password_env else ""
        if password_env and not password:
            raise CommandError(f"{password_env} is empty.")
        db_roles_setup(role=role, password=password or None)
        self.stdout.write(f"role {role} is set up")


def db_roles_setup(*, role: str, password: str | None = None) -> None:
    quote = connection.ops.quote_name
    name = quote(role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, quote_ident(current_schema())")
        owner, schema = cursor.fetchone()
        if owner == role:
            raise CommandError("Run this as the owner, not as the application's role.")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        if password is not None:
            cursor.execute(f"ALTER ROLE {name} PASSWORD %s", [password])
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {name}",
            f"REVOKE CREATE ON SCHEMA {schema} FROM {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {name}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
            # Tables that later migrations create (re-run after migrate for the trail).
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {name}",
        ]
        statements += [
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.{quote(table)} FROM {name}"
            for table in AUDIT_TABLES
        ]
        statements += [
            f"REVOKE ALL ON FUNCTION {schema}.{function} FROM PUBLIC, {name}"
            for function in PURGE_FUNCTIONS
        ]
        for statement in statements:
            cursor.execute(statement)
