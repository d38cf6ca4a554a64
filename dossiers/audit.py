"""The database guard that keeps dossier events append-only.

UPDATE is always refused. DELETE and TRUNCATE are refused unless the connection was
opened with purging allowed (`AUDIT_PURGE_ALLOWED`), which only the test suite (to empty
its database between tests) and a deliberate retention job should ever set.

On PostgreSQL the switch counts only for the tables' owner (dossiers 0016): the application
connects as a role that does not own them (`db_roles_setup`), so setting it there does
nothing; old events are purged by the owner-only `dossiers_event_purge(before)`.
"""

from django.conf import settings
from django.db.backends.signals import connection_created
from django.dispatch import receiver


def set_purge_allowed(connection, allowed: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('vss.allow_purge', %s, false)", ["on" if allowed else "off"]
            )
    elif connection.vendor == "sqlite":
        connection.connection.create_function(
            "vss_allow_purge", 0, lambda: 1 if allowed else 0, deterministic=True
        )


@receiver(connection_created)
def _configure_connection(sender, connection, **kwargs):
    set_purge_allowed(connection, settings.AUDIT_PURGE_ALLOWED)
