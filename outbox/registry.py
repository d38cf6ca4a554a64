"""Who reacts to what: subscriptions that apps register in their own `AppConfig.ready()`.

A publisher (`outbox.services.message_publish`) names a topic and hands over the object the
topic is about (`subject`, e.g. a dossier event) and a small JSON context. Each subscription
says which topic it listens to, optionally a predicate on (subject, context), and either

- a `handler` (dotted path): one outbox row is written per matching publish, delivered
  later by the relay (`outbox.services.message_deliver`), or
- an `inline` callable: run at once, inside the publisher's transaction. For the few effects
  that must be part of the change itself; it may not fail the change (catch inside).

The publisher imports none of the subscribers: the arrows point from the higher apps down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Any, dict[str, Any]], bool]


@dataclass(frozen=True)
class Subscription:
    topic: str
    handler: str = ""
    inline: Callable[[Any, dict[str, Any]], None] | None = None
    when: Predicate | None = None
    # True: the handler's own database writes and "delivered" commit in one transaction
    # (effect exactly once). False: the handler commits by itself (slow or outbound work)
    # and must be idempotent on its own, as a crash before "delivered" runs it again.
    atomic: bool = True
    # The kind of work the handler does ("pdf", "ocr", "notify", "webhooks"; "" for short
    # database work). Rows of one workload are relayed together, to the Celery queue that
    # settings.CELERY_WORKLOAD_QUEUES names for it (the default queue when it names none).
    workload: str = ""

    def matches(self, subject: Any, context: dict[str, Any]) -> bool:
        return self.when is None or bool(self.when(subject, context))


_subscriptions: list[Subscription] = []


def subscribe(
    topic: str,
    *,
    handler: str = "",
    inline: Callable[[Any, dict[str, Any]], None] | None = None,
    when: Predicate | None = None,
    atomic: bool = True,
    workload: str = "",
) -> Subscription:
    """Register a subscription (call from `AppConfig.ready()`; repeating it is harmless)."""
    if bool(handler) == (inline is not None):
        raise ValueError("a subscription has either a handler path or an inline callable")
    subscription = Subscription(
        topic=topic, handler=handler, inline=inline, when=when, atomic=atomic, workload=workload
    )
    for existing in _subscriptions:
        if existing.topic == topic and (
            (handler and existing.handler == handler) or (inline and existing.inline is inline)
        ):
            return existing
    _subscriptions.append(subscription)
    return subscription


def subscriptions_for(topic: str) -> list[Subscription]:
    return [s for s in _subscriptions if s.topic == topic]


def subscription_for_handler(handler: str) -> Subscription | None:
    return next((s for s in _subscriptions if s.handler == handler), None)


def all_subscriptions() -> list[Subscription]:
    return list(_subscriptions)
