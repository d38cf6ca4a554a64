# The queue's fixtures (office, service groups, a counter with its officer) for the notices.
from tests.queues.conftest import counter, groups, office, officer  # noqa: F401
