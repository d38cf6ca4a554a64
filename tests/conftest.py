import zlib

import pytest

from tests.vneid import vneid, vneid_provider  # noqa: F401 - the local VNeID fixtures

# Test processes (pytest-xdist, `make test`) that run the transactional tests: those empty
# every table when they end, the data migrations' rows (offices, targets) included, so a
# database test run after one in the same process would find no office. pytest-django
# orders the transactional tests last; grouped (--dist loadgroup), they stay last, in these
# groups, each on one process.
TRANSACTIONAL_GROUPS = 2


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,))):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _transactional(item):
            group = zlib.crc32(str(item.fspath).encode()) % TRANSACTIONAL_GROUPS
            item.add_marker(pytest.mark.xdist_group(f"transactional-{group}"))


@pytest.fixture(autouse=True, scope="session")
def _staff_force_login_passes_two_factor():
    """`client.force_login(staff)` also passes the second factor (tests/two_factor.py), so
    tests of staff pages need not repeat it; the real flow has its own tests."""
    from django.test import Client

    from tests.two_factor import mark_session_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if getattr(user, "needs_two_factor", False):
            mark_session_verified(self, user)

    Client.force_login = force_login
    yield
    Client.force_login = original


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes its files to its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _calendar_decisions(request):
    """Every database test sees the government's day swaps (workdays/decisions.py).

    The data migration seeds them, but transactional tests flush the tables, so the
    outcome of a date calculation would depend on test order without this.
    """
    if (
        request.node.get_closest_marker("django_db") is None
        and "_django_db_helper" not in request.fixturenames
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from workdays.services import calendar_overrides_load

    calendar_overrides_load()


@pytest.fixture
def offices(db):
    """The 34 provincial offices come from the data migration; return a few by province."""
    from offices.models import Office
    from offices.services import provincial_offices_sync

    provincial_offices_sync()  # transactional tests flush the migration's rows
    return {o.province_code: o for o in Office.objects.filter(kind="provincial")}


@pytest.fixture
def catalogue(db):
    from procedures.services import catalogue_load

    catalogue_load()
    from procedures.models import Procedure

    return {p.slug: p for p in Procedure.objects.all()}


@pytest.fixture
def demo_catalogue(catalogue):
    """The catalogue plus the made-up demo procedures that `seed_demo` loads."""
    from procedures.models import Procedure
    from procedures.services import DEMO_CATALOGUE_PATH, catalogue_load

    catalogue_load(path=DEMO_CATALOGUE_PATH)
    return {p.slug: p for p in Procedure.objects.all()}


@pytest.fixture
def inspection_procedure(catalogue, tmp_path):
    """A published procedure that needs a field inspection (the law allows them; no
    published VSS procedure needs one yet), made from the demo procedure's data."""
    import json

    from procedures.models import Procedure
    from procedures.services import DEMO_CATALOGUE_PATH, catalogue_load

    item = json.loads(DEMO_CATALOGUE_PATH.read_text(encoding="utf-8"))[0]
    item.update(code="TEST-INSP-01", slug="test-field-inspection", is_demo=False)
    item["is_published"] = True
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps([item]), encoding="utf-8")
    catalogue_load(path=path)
    return Procedure.objects.get(code="TEST-INSP-01")
