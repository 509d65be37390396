"""A real server: ``skillmatch serve --sample --workers 2`` as a process on 127.0.0.1
(fake embedder) loads the built-in sample into an empty workspace, comes up, answers
health, version, recommendations, alignments and metrics over HTTP, and stops on
SIGINT, all within bounded time."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

STARTUP_S = 90  # two workers importing the stack on a busy machine, and the sample


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "SKILLMATCH_HOME": str(tmp_path / "ws"),
           "SKILLMATCH_EMBEDDER": "fake", "SKILLMATCH_LINK_THRESHOLD": "0.3",
           "HF_HUB_OFFLINE": "1"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "skillmatch.cli", "serve", "--sample", "--port", str(port),
         "--workers", "2", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                try:
                    if client.get("/v1/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.5)
            yield client, proc, tmp_path / "server.log"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        log.close()


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (its workers, and what they started)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        kids = [p for p, parent in parents.items() if parent in frontier]
        found += kids
        frontier = kids
    return found


def test_serve_answers_over_http(server) -> None:
    client, proc, log = server
    assert client.get("/v1/health").json() == {"status": "ok"}
    version = client.get("/v1/version").json()
    assert version["model"] == "fake-hash-256" and version["linked_taxonomies"] == {
        "demo": "unknown"}  # the sample names no version
    rec = client.post("/v1/recommendations", json={"occupation": "31-1131.00", "k": 3})
    assert rec.status_code == 200, rec.text
    assert rec.json()["results"][0]["id"] == "cred:cna"
    aligned = client.post("/v1/alignments", json={"credential": "cred:maker-ed", "k": 2})
    assert aligned.status_code == 200 and aligned.json()["credential"]["id"] == "cred:maker-ed"
    missing = client.get("/v1/credentials/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    for _ in range(6):  # spread over both workers
        assert client.get("/v1/skills", params={"q": "vital"}).status_code == 200
    metrics = client.get("/v1/metrics").text  # both workers' counts, whichever answers
    assert ('skillmatch_http_requests_total{method="GET",route="/v1/skills",status="200"} 6.0'
            in metrics)
    assert 'route="/v1/recommendations",status="200"' in metrics
    # each of the two workers' native thread pools start at its share of the two cores
    # (docs/performance.md: spinning BLAS threads of two workers tripled each one's time)
    cores = os.cpu_count() or 1
    workers = _descendants(proc.pid)
    assert workers
    for pid in workers:
        environ = dict(e.split("=", 1) for e in Path(f"/proc/{pid}/environ").read_text()
                       .split("\0") if "=" in e)
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "SKILLMATCH_THREADS"):
            assert environ.get(name) == str(max(1, cores // 2)), (pid, name)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    text = log.read_text()
    assert "is empty: loading the built-in sample" in text
    assert "serving http://127.0.0.1:" in text and "/docs" in text
