"""Prometheus metrics: request counts and latency histograms per route template, method
and status (``prometheus-client``).

Each app has its own registry (several apps in one process, as tests make, never clash).
Under ``skillmatch serve --workers N`` (N > 1) every worker writes to the shared
``PROMETHEUS_MULTIPROC_DIR`` the command sets up, and ``/v1/metrics`` sums all workers,
whichever answers the scrape.
"""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _generate
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# autocomplete answers in about a millisecond, a first align in seconds
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "unmatched"  # a path no route has: one label, whatever was asked


class Metrics:
    """The app's request metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter("skillmatch_http_requests", "HTTP requests answered",
                                labels, registry=self.registry)
        self.latency = Histogram("skillmatch_http_request_duration_seconds",
                                 "Time to answer an HTTP request", labels,
                                 buckets=BUCKETS, registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text format: of every worker when several share a directory."""
        if os.environ.get(MULTIPROCESS_ENV):
            from prometheus_client.multiprocess import MultiProcessCollector

            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return _generate(registry)
        return _generate(self.registry)


class MetricsMiddleware:
    """Times every HTTP request and counts it under its route's template
    (``/v1/credentials/{record_id}``, never the path asked for)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None)
            if template is None:  # the docs and schema pages are fixed paths; else one label
                template = scope["path"] if status < 400 else UNMATCHED
            self.metrics.observe(scope["method"], template, status,
                                 time.perf_counter() - start)
