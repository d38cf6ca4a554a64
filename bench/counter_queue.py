"""Benchmark of the counter queue (issue #19): call-next and the display board's poll.

    createdb -h 127.0.0.1 -U postgres vss_bench_queue
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vss_bench_queue \\
        .venv/bin/python bench/counter_queue.py --seconds 5

Refuses to run unless DATABASE_URL points at PostgreSQL and the database name contains
"bench". In process (Django's test client through the whole middleware stack, no gunicorn):

- call-next with 200 tickets waiting at the office, one officer, then 8 officers pressing
  at once (threads, one connection each): latency per call and calls per second;
- the display board's poll: the fragment rendered (200, a change) and the unchanged answer
  (304, one indexed read of the office's version), and what 30 screens polling every 1.5 s
  (20 requests a second) cost of one process's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import threading
import time
from pathlib import Path

from run import RESULTS_DIR, ROOT, _check_database_url, _fail

WAITING = 200
SCREENS = 30
POLL_SECONDS = 1.5
OFFICERS = 8


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 2),
    }


def _for(seconds: float, function) -> list[float]:
    samples, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:  # noqa: PLR0915 - one script, read top to bottom
    parser = argparse.ArgumentParser(description="Benchmark the counter queue.")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    _check_database_url()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vss_portal.settings.development")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    if connection.vendor != "postgresql" or "bench" not in settings.DATABASES["default"]["NAME"]:
        _fail("the configured database is not a PostgreSQL database named '*bench*'.")
    settings.ALLOWED_HOSTS = ["*"]

    from accounts.constants import Role
    from accounts.models import User
    from offices.models import Office
    from offices.services import provincial_offices_sync
    from queues.models import Counter, ServiceGroup, Ticket, TicketEvent
    from queues.services import office_queue, ticket_call_next, ticket_issue

    call_command("migrate", interactive=False, verbosity=0)
    provincial_offices_sync()
    office = Office.objects.get(kind="provincial", province_code=79)
    office_queue(office)
    groups = list(ServiceGroup.objects.all())
    Ticket.objects.filter(office=office, state="waiting").update(state="cancelled")
    officers = []
    for number in range(1, OFFICERS + 1):
        officer, _ = User.objects.get_or_create(
            username=f"bench-queue-{number}",
            defaults={"role": Role.COUNTER_OFFICER, "office": office},
        )
        counter, _ = Counter.objects.get_or_create(office=office, number=number)
        counter.groups.set(groups)
        Counter.objects.filter(officer=officer).exclude(pk=counter.pk).update(officer=None)
        Counter.objects.filter(pk=counter.pk).update(officer=officer, is_open=True, is_paused=False)
        counter.refresh_from_db()
        officers.append((counter, officer))

    def top_up():
        waiting = Ticket.objects.filter(
            office=office, state="waiting", day=timezone.localdate()
        ).count()
        for index in range(WAITING - waiting):
            ticket_issue(office=office, group=groups[index % len(groups)])

    top_up()
    load_before = os.getloadavg()[0]
    counter, officer = officers[0]

    def call_one():
        ticket_call_next(counter=counter, officer=officer)
        ticket_issue(office=office, group=groups[0])  # keep 200 waiting

    issue_only = _for(args.seconds / 2, lambda: ticket_issue(office=office, group=groups[1]))
    top_up()
    call_and_issue = _for(args.seconds, call_one)
    top_up()

    # 8 officers at once: each thread its own connection.
    latencies: list[float] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(OFFICERS)

    def press(pair):
        counter, officer = pair
        try:
            barrier.wait(timeout=30)
            deadline = time.perf_counter() + args.seconds
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                ticket_call_next(counter=counter, officer=officer)
                latencies.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    top_up()
    started = time.perf_counter()
    threads = [threading.Thread(target=press, args=(pair,)) for pair in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent_seconds = time.perf_counter() - started
    # A ticket called twice would have two "called" events.
    duplicates = (
        TicketEvent.objects.filter(ticket__office=office, kind="called")
        .values("ticket")
        .annotate(calls=Count("pk"))
        .filter(calls__gt=1)
        .count()
    )

    top_up()
    client = Client()
    url = f"/queue/o/{office.pk}/board/state/"
    first = client.get(url)
    etag = first["ETag"]
    unchanged = _for(args.seconds, lambda: client.get(url, HTTP_IF_NONE_MATCH=etag))
    full = _for(args.seconds, lambda: client.get(url))
    per_second = SCREENS / POLL_SECONDS

    # 30 screens at once, each polling every 1.5 s with its ETag (its own thread and client),
    # while an officer calls a ticket every 3 s: what each poll costs, and how many follow a
    # change (200) rather than not (304).
    top_up()
    screen_latencies: dict[int, list[float]] = {200: [], 304: []}
    screen_errors: list[Exception] = []
    stop = threading.Event()

    def screen():
        own = Client()
        tag = ""
        try:
            while not stop.is_set():
                started = time.perf_counter()
                answer = own.get(url, HTTP_IF_NONE_MATCH=tag) if tag else own.get(url)
                screen_latencies.setdefault(answer.status_code, []).append(
                    (time.perf_counter() - started) * 1000
                )
                tag = answer.get("ETag", tag)
                stop.wait(max(POLL_SECONDS - (time.perf_counter() - started), 0))
        except Exception as exc:  # noqa: BLE001 - reported below
            screen_errors.append(exc)
        finally:
            connections.close_all()

    def caller():
        try:
            while not stop.wait(3.0):
                ticket_call_next(counter=counter, officer=officer)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=screen) for _ in range(SCREENS)]
    workers.append(threading.Thread(target=caller))
    screens_started = time.perf_counter()
    for thread in workers:
        thread.start()
    stop.wait(max(args.seconds * 3, 9.0))
    stop.set()
    for thread in workers:
        thread.join()
    screens_seconds = time.perf_counter() - screens_started
    polls = screen_latencies[200] + screen_latencies[304]
    result = {
        "benchmark": "queue",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "waiting": WAITING,
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "issue": _stats(issue_only),
        "call_next_and_issue_one_officer": _stats(call_and_issue),
        "call_next_8_officers": {
            **_stats(latencies),
            "calls_per_second": round(len(latencies) / concurrent_seconds, 1),
            "errors": len(errors),
            "duplicate_calls": duplicates,
        },
        "board_poll_304": _stats(unchanged),
        "board_poll_200": _stats(full),
        "board_30_screens_measured": {
            "screens": SCREENS,
            "seconds": round(screens_seconds, 1),
            "polls_per_second": round(len(polls) / screens_seconds, 1),
            "all_polls": _stats(polls),
            "unchanged_304": _stats(screen_latencies[304]),
            "changed_200": _stats(screen_latencies[200]),
            "errors": len(screen_errors),
        },
        "board_30_screens": {
            "requests_per_second": per_second,
            "share_of_one_process_if_unchanged": round(
                per_second * statistics.median(unchanged) / 1000, 3
            ),
            "share_of_one_process_if_all_change": round(
                per_second * statistics.median(full) / 1000, 3
            ),
        },
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    output = args.output or RESULTS_DIR / f"queue-{timezone.localdate():%Y-%m-%d}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
