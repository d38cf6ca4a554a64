import pytest

from queues.models import Counter, ServiceGroup
from tests.factories import UserFactory

GROUPS = [
    ("health-insurance", "Bảo hiểm y tế", "Health insurance", 1001, False),
    ("benefits", "Chế độ bảo hiểm xã hội", "Social insurance benefits", 2001, False),
    ("collection", "Trả kết quả", "Collection of results", 4001, True),
]


def service_groups() -> dict:
    """Service groups (the data migration's rows are flushed by transactional tests)."""
    made = {}
    for order, (code, name, name_en, first, collection) in enumerate(GROUPS):
        made[code], _ = ServiceGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "first_number": first,
                "sort_order": order,
                "is_collection": collection,
            },
        )
    return made


@pytest.fixture
def groups(db):
    return service_groups()


@pytest.fixture
def office(offices):
    return offices[1]


def make_counter(office, number, groups, officer=None):
    counter = Counter.objects.create(office=office, number=number, officer=officer)
    counter.groups.set(groups)
    return counter


@pytest.fixture
def officer(office):
    return UserFactory(counter_officer=True, office=office, username="quay1")


@pytest.fixture
def counter(office, groups, officer):
    return make_counter(office, 1, groups.values(), officer)
