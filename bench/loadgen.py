"""A small closed-loop HTTP load generator: threads + `http.client`, keep-alive.

`wrk` is not installed on the reference machine, so the harness drives the server with
this. Each of `connections` threads holds one keep-alive connection and sends the next
request as soon as the previous answer is read (closed loop, like wrk). Latency is measured
from just before the request is written to just after the body is read. The generator
itself costs CPU on the same 2 cores as the server: its ceiling is measured against the
bare view (the "bare view" floor) and reported beside every result.
"""

from __future__ import annotations

import http.client
import math
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Result:
    connections: int
    requests: int
    seconds: float
    statuses: dict[int, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "connections": self.connections,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "per_second": round(self.per_second, 1),
            "statuses": self.statuses,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "mean_ms": self.mean_ms,
        }


def _rank(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)], 2)


def run(
    *,
    host: str,
    port: int,
    requests,
    connections: int,
    seconds: float,
    warmup: float = 1.0,
    timeout: float = 30.0,
) -> Result:
    """Drive `requests` (a callable returning the next Request) for `seconds` per thread."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[Counter] = [Counter() for _ in range(connections)]
    start_gate = threading.Barrier(connections + 1)
    deadline = [0.0]
    measure_from = [0.0]

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        start_gate.wait()
        while True:
            now = time.perf_counter()
            if now >= deadline[0]:
                break
            sent = time.perf_counter()
            try:
                request = requests()
                conn.request(
                    request.method, request.path, body=request.body, headers=request.headers
                )
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=timeout)
            except Exception:  # noqa: BLE001 - a failed request is counted as status 0
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            done = time.perf_counter()
            if sent >= measure_from[0]:
                latencies[index].append((done - sent) * 1000)
                statuses[index][status] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    measure_from[0] = time.perf_counter() + warmup
    deadline[0] = measure_from[0] + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - measure_from[0]
    samples = sorted(s for per_thread in latencies for s in per_thread)
    total = Counter()
    for counter in statuses:
        total.update(counter)
    return Result(
        connections=connections,
        requests=len(samples),
        seconds=elapsed,
        statuses=dict(total),
        p50_ms=_rank(samples, 0.50),
        p95_ms=_rank(samples, 0.95),
        p99_ms=_rank(samples, 0.99),
        mean_ms=round(statistics.fmean(samples), 2) if samples else 0.0,
    )
