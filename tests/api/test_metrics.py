"""Prometheus metrics: one registry per app; several workers summed through a shared
directory."""

from __future__ import annotations

import importlib
import subprocess
import sys

from skillmatch.api.metrics import Metrics


def test_each_app_counts_on_its_own() -> None:
    a, b = Metrics(), Metrics()
    a.observe("GET", "/v1/skills", 200, 0.002)
    a.observe("GET", "/v1/skills", 200, 0.02)
    text = a.render().decode()
    assert 'skillmatch_http_requests_total{method="GET",route="/v1/skills",status="200"} 2.0' \
        in text
    assert ('skillmatch_http_request_duration_seconds_bucket{le="0.0025",method="GET",'
            'route="/v1/skills",status="200"} 1.0') in text
    assert "/v1/skills" not in b.render().decode()


def test_workers_sum_through_the_multiprocess_directory(tmp_path) -> None:
    # each "worker" is a process of its own, as under uvicorn --workers
    code = ("from skillmatch.api.metrics import Metrics; m = Metrics(); "
            "m.observe('POST', '/v1/recommendations', 200, 0.03)")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": ""}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    probe = ("import sys; from skillmatch.api.metrics import Metrics; "
             "sys.stdout.write(Metrics().render().decode())")
    text = subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=60,
                          capture_output=True, text=True).stdout
    assert ('skillmatch_http_requests_total{method="POST",route="/v1/recommendations",'
            'status="200"} 2.0') in text
    assert importlib.import_module("skillmatch.api.metrics")  # this process untouched
