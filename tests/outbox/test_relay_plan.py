"""How the relay hands rows to the broker: one message per workload, to its queue."""

from outbox.services import RELAY_CHUNK, relay_plan

SLIP = "dossiers.handlers.reception_slip"
NOTIFY = "notifications.handlers.citizen_notify"
WEBHOOKS = "partners.handlers.webhooks_for_event"
MARK = "dashboards.handlers.rollups_mark"


def test_a_submission_is_one_message_per_workload_on_the_default_queue(settings):
    settings.CELERY_WORKLOAD_QUEUES = {}

    plan = relay_plan(ids=[1, 2, 3, 4, 5], handlers=[SLIP, WEBHOOKS, MARK, NOTIFY, WEBHOOKS])

    assert plan == [(None, [1]), (None, [2, 5]), (None, [3]), (None, [4])]


def test_named_workloads_go_to_their_queues_and_big_batches_in_chunks(settings):
    settings.CELERY_WORKLOAD_QUEUES = {"pdf": "pdf", "webhooks": "hooks"}
    ids = list(range(1, 2 * RELAY_CHUNK + 3))
    handlers = [WEBHOOKS] * (2 * RELAY_CHUNK + 1) + [SLIP]

    plan = relay_plan(ids=ids, handlers=handlers)

    assert [(queue, len(chunk)) for queue, chunk in plan] == [
        ("hooks", RELAY_CHUNK),
        ("hooks", RELAY_CHUNK),
        ("hooks", 1),
        ("pdf", 1),
    ]
    assert [pk for _queue, chunk in plan for pk in chunk] == ids


def test_a_handler_nobody_subscribes_any_more_goes_to_the_default_queue(settings):
    settings.CELERY_WORKLOAD_QUEUES = {"pdf": "pdf"}

    assert relay_plan(ids=[9], handlers=["gone.handlers.old"]) == [(None, [9])]
