import pytest
from django.core.cache import cache

from accounts.constants import Role
from dossiers.constants import DossierState
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

ANSWERS = {
    "score": "5",
    "timeliness": "4",
    "attitude": "5",
    "guidance": "3",
    "trips_needed": "1",
    "comment": "Cán bộ hướng dẫn tận tình.",
}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Attempt counters and cached predictions must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hanoi(offices):
    return offices[1]


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn An",
    )


@pytest.fixture
def other_citizen(db):
    return UserFactory(citizen=True, full_name="Phạm Thị Hoa")


@pytest.fixture
def leader(hanoi):
    return UserFactory(
        username="ld-hn", role=Role.OFFICE_LEADER, office=hanoi, email="ld-hn@vss.gov.vn"
    )


@pytest.fixture
def make(catalogue, hanoi, citizen):
    """make(state=...) builds a sickness-benefit dossier of `citizen` at the Hà Nội office."""

    def _make(state=DossierState.RETURNED, **extra):
        extra.setdefault("applicant", citizen)
        return make_dossier(
            procedure=catalogue["sickness-benefit"], state=state, office=hanoi, **extra
        )

    return _make


@pytest.fixture
def returned(make):
    from django.utils import timezone

    return make(returned_at=timezone.now(), outcome="approved")
