"""The application's database role cannot rewrite or purge the audit trail (PostgreSQL).

The test suite connects as the owner (a superuser); `db_roles_setup` creates an application
role, and a second connection as that role tries every way around the trail's guard.
"""

import datetime as dt
import uuid

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dossiers.constants import DossierState, EventKind
from dossiers.models import DossierEvent
from dossiers.services.intake import event_append
from tests.dossiers.factories import make_dossier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
    ),
]

DENIED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def app_role():
    """A fresh application role, set up as in production and dropped afterwards."""
    role = f"vss_app_{uuid.uuid4().hex[:10]}"
    call_command("db_roles_setup", role=role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def as_app(app_role):
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=app_role,
        autocommit=True,
    )
    yield conn
    conn.close()


@pytest.fixture
def trail(catalogue, offices):
    """A dossier with an event from 2015 and one from now."""
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=offices[1]
    )
    with time_machine.travel("2015-06-01 09:00 +0700", tick=False):
        old = event_append(dossier=dossier, kind=EventKind.RECEIVED, actor=None, reason="cũ")
    new = event_append(dossier=dossier, kind=EventKind.OVERDUE, actor=None, reason="mới")
    return dossier, old, new


def _refused(conn, statement, params=None):
    with pytest.raises(DENIED):
        conn.execute(statement, params)


def test_the_app_role_works_with_the_data_but_cannot_touch_the_trail(as_app, trail):
    dossier, old, _new = trail
    conn = as_app

    # It reads and writes ordinary tables, and reads the trail.
    conn.execute("UPDATE dossiers_dossier SET revision = revision WHERE id = %s", [dossier.pk])
    count = conn.execute("SELECT count(*) FROM dossiers_dossierevent").fetchone()[0]
    assert count >= 2

    # The purge switch is only a setting: it lets the app role do nothing.
    conn.execute("SET vss.allow_purge = 'on'")
    _refused(conn, "DELETE FROM dossiers_dossierevent WHERE id = %s", [old.pk])
    _refused(conn, "UPDATE dossiers_dossierevent SET reason = 'sửa' WHERE id = %s", [old.pk])
    _refused(conn, "TRUNCATE dossiers_dossierevent CASCADE")
    # Nor through one of the trail's month partitions, nor its default one (dossiers 0020).
    partitions = [
        row[0]
        for row in conn.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits"
            " WHERE inhparent = 'dossiers_dossierevent'::regclass"
        ).fetchall()
    ]
    assert "dossiers_dossierevent_default" in partitions
    assert len(partitions) >= 2
    for partition in partitions:
        _refused(conn, f'TRUNCATE "{partition}"')
    # The 2015 event sits in the default partition: its rows are guarded there too.
    _refused(
        conn, "UPDATE dossiers_dossierevent_default SET reason = 'sửa' WHERE id = %s", [old.pk]
    )
    _refused(conn, "DELETE FROM dossiers_dossierevent_default WHERE id = %s", [old.pk])
    _refused(conn, "DELETE FROM beneficiaries_registryevent")
    # It does not own the table, so it cannot switch the guard off either.
    _refused(conn, "ALTER TABLE dossiers_dossierevent DISABLE TRIGGER dossiers_event_no_update")
    _refused(conn, "ALTER TABLE dossiers_dossierevent DISABLE TRIGGER ALL")
    _refused(conn, "SELECT dossiers_event_purge(now())")
    _refused(conn, "SELECT beneficiaries_registry_event_purge(now())")

    assert DossierEvent.objects.filter(pk=old.pk, reason="cũ").exists()


def test_even_with_delete_granted_the_trigger_refuses_a_non_owner(app_role, as_app, trail):
    _dossier, old, _new = trail
    with connection.cursor() as cursor:  # a careless grant by an operator
        cursor.execute(f'GRANT DELETE ON dossiers_dossierevent TO "{app_role}"')

    as_app.execute("SET vss.allow_purge = 'on'")
    _refused(as_app, "DELETE FROM dossiers_dossierevent WHERE id = %s", [old.pk])

    assert DossierEvent.objects.filter(pk=old.pk).exists()


def test_the_owner_purges_events_older_than_a_date(trail):
    _dossier, old, new = trail
    with connection.cursor() as cursor:
        cursor.execute("SELECT dossiers_event_purge(%s)", [timezone.now() - dt.timedelta(days=365)])
        purged = cursor.fetchone()[0]
        # The purge switch is back as it was after the call.
        cursor.execute("SELECT current_setting('vss.allow_purge', true)")
        switch = cursor.fetchone()[0]

    # The trail's old event at least (rows another test committed before may be older too).
    assert purged >= 1
    assert not DossierEvent.objects.filter(pk=old.pk).exists()
    assert DossierEvent.objects.filter(pk=new.pk).exists()
    assert switch == "on"  # the test suite's own setting (AUDIT_PURGE_ALLOWED)


def test_setting_up_the_role_twice_changes_nothing(app_role):
    call_command("db_roles_setup", role=app_role)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'dossiers_dossierevent', 'INSERT'),"
            " has_table_privilege(%s, 'dossiers_dossierevent', 'DELETE'),"
            " has_table_privilege(%s, 'dossiers_dossier', 'UPDATE'),"
            " has_function_privilege(%s, 'dossiers_event_purge(timestamptz)', 'EXECUTE')",
            [app_role] * 4,
        )
        assert cursor.fetchone() == (True, False, True, False)
