"""Reliability through a real server: ``skillmatch serve --workers 2`` as a process on
127.0.0.1 (fake embedder, no rate limit) over a workspace holding the built-in sample,
bounded in time and requests.

- Several employers post needs and postings (each with its own key) while counselors ask
  for recommendations, alignments and demand: no 5xx; every acknowledged write is read
  back afterwards with its skills and counted in demand, and each demand answer already
  counts every write acknowledged before it was asked (whichever worker answers); the
  index consistency check passes once the server has stopped.
- The server (both workers and their parent) is killed with SIGKILL in the middle of a
  bulk import: restarted, it has every record acknowledged before, nothing half-written
  (the bulk is all there or not at all; each posting has its skills), and the client
  resumes by sending the bulk again (``?resume=true``); the index check passes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from skillmatch.app import SkillMatch
from tests.api.conftest import api_settings

STARTUP_S = 90  # two workers importing the stack on a busy machine
WORKLOAD_S = 120  # the concurrent run, at most
EMPLOYERS = ("Acme Clinic", "Bayou Senior Living", "Buckeye Fabrication")
WRITES = 9  # per employer: needs, postings and small bulks in turn
COUNSELORS = 2
READS = 12  # rounds per counselor, at most (each: demand, two recommendations, align)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``skillmatch serve --workers 2`` on ``home``, in a session of its own (so that a
    kill takes its workers too)."""

    def __init__(self, home: Path, log: Path) -> None:
        self.home, self.log_path = home, log
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        metrics = log.with_suffix(".metrics")
        metrics.mkdir()
        self.env = {**os.environ, "SKILLMATCH_HOME": str(home),
                    "SKILLMATCH_EMBEDDER": "fake", "SKILLMATCH_LINK_THRESHOLD": "0.3",
                    "SKILLMATCH_API_RATE_LIMIT": "0", "SKILLMATCH_API_MAX_BATCH": "5000",
                    "PROMETHEUS_MULTIPROC_DIR": str(metrics), "HF_HUB_OFFLINE": "1"}
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "skillmatch.cli", "serve", "--port", str(self.port),
             "--workers", "2", "--log-level", "warning"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_S
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while True:
                assert self.proc.poll() is None, self.output()
                try:
                    if client.get("/v1/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.3)

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def stop(self) -> int:
        """Ctrl-C, as an operator stops it: the exit status."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(30)
        finally:
            self.close()

    def kill(self) -> None:
        """SIGKILL to the parent and both workers at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self.log.close()


def index_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillmatch.cli", "index", "check"],
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The built-in sample and a key per employer and an admin key, made before the
    server starts (it shares the workspace's key secret)."""
    home = tmp_path / "ws"
    with SkillMatch(api_settings(home)) as engine:
        sample = engine.settings.demo_data
        engine.import_taxonomy("custom", sample / "skills.csv", name="demo")
        engine.build_indexes(["demo"])
        for kind in ("credential", "posting", "need"):
            engine.import_records(kind, sample / f"{kind}s.jsonl")
        keys = {name: engine.keys.create("employer", employer=name)["key"]
                for name in EMPLOYERS}
        keys["admin"] = engine.keys.create("admin")["key"]
    return home, {name: f"Bearer {key}" for name, key in keys.items()}


@pytest.fixture
def server(workspace: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Server]:
    running = Server(workspace[0], tmp_path / "server.log")
    try:
        yield running
    finally:
        running.close()


def need(employer: int, n: int) -> dict[str, Any]:
    return {"id": f"need:{employer}-{n}", "role": "Nursing Assistant",
            "occupation_code": "31-1131.00", "region": "TX-Houston",
            "required_skills": ["CPR", "take vital signs"], "openings": 1 + n % 3,
            "date": "2026-09-15", "private": n % 4 == 3}


def posting(prefix: str, n: int) -> dict[str, Any]:
    return {"id": f"{prefix}:{n}", "title": f"Nursing Assistant {n}",
            "description": f"Ward {n}: take and record vital signs, perform CPR, help "
            f"residents with daily living; shift {n % 7}.",
            "region": "TX-Houston", "occupation_code": "31-1131.00",
            "date_posted": "2026-09-01"}


def test_employers_write_while_counselors_read(server: Server, workspace) -> None:
    _, keys = workspace
    lock = threading.Lock()
    acked: list[tuple[str, str, str]] = []  # (kind, id, employer) of each 2xx-acknowledged
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    with httpx.Client(base_url=server.base, timeout=60) as client:
        before = client.get("/v1/demand").json()["records"]

    def employer(e: int, name: str) -> None:
        auth = {"Authorization": keys[name]}
        with httpx.Client(base_url=server.base, timeout=60, headers=auth) as client:
            for n in range(WRITES):
                if n % 3 == 0:
                    r = client.post("/v1/needs", json=need(e, n))
                    done = [("need", need(e, n)["id"])] if r.status_code == 201 else []
                elif n % 3 == 1:
                    r = client.post("/v1/postings", json=posting(f"post:{e}", n))
                    done = [("posting", f"post:{e}:{n}")] if r.status_code == 201 else []
                else:
                    items = [posting(f"bulk:{e}-{n}", i) for i in range(3)]
                    r = client.post("/v1/postings/bulk", json={"items": items})
                    done = [("posting", i["id"]) for i in (r.json()["items"] if
                            r.status_code == 200 else []) if i["status"] == 201]
                with lock:
                    statuses[r.status_code] += 1
                    acked.extend((kind, rid, name) for kind, rid in done)
                    if r.status_code >= 300:
                        problems.append(f"{name} {r.request.url.path}: {r.status_code} "
                                        f"{r.text[:300]}")

    writers_done = threading.Event()

    def counselor(c: int) -> None:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            for n in range(READS):
                with lock:
                    known = len(acked)
                calls = [client.get("/v1/demand", params={"top": 5})]
                seen = calls[0].json().get("records", -1) if calls[0].is_success else -1
                if seen < before + known:
                    problems.append(f"demand counted {seen} records after {known} "
                                    f"acknowledged writes (before them: {before})")
                calls += [
                    client.post("/v1/recommendations", json={"occupation": "31-1131.00",
                                                             "k": 3}),
                    client.post("/v1/recommendations", json={
                        "query": "likes helping people and biology", "max_cost": 500}),
                    client.get("/v1/alignments/cred:cna", params={
                        "format": "csv" if (c + n) % 2 else "json", "k": 3}),
                ]
                with lock:
                    for r in calls:
                        statuses[r.status_code] += 1
                        if r.status_code >= 300:
                            problems.append(f"counselor {r.request.url.path}: "
                                            f"{r.status_code} {r.text[:300]}")
                if writers_done.is_set() and n >= 2:
                    break

    writers = [threading.Thread(target=employer, args=(e, name))
               for e, name in enumerate(EMPLOYERS)]
    readers = [threading.Thread(target=counselor, args=(c,)) for c in range(COUNSELORS)]
    started = time.monotonic()
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join(WORKLOAD_S)
    writers_done.set()
    for t in readers:
        t.join(max(1.0, WORKLOAD_S - (time.monotonic() - started)))
    assert not any(t.is_alive() for t in writers + readers), "the workload did not finish"
    assert not problems, "\n".join(problems)
    assert set(statuses) <= {200, 201}, statuses
    assert len(acked) == len(EMPLOYERS) * (WRITES // 3) * (1 + 1 + 3)  # every write acked

    with httpx.Client(base_url=server.base, timeout=60) as client:
        for kind, rid, name in acked:  # each read back by its owner, with its skills
            got = client.get(f"/v1/{kind}s/{rid}", headers={"Authorization": keys[name]})
            assert got.status_code == 200, got.text
            assert got.json()["skills"], (kind, rid)
        assert client.get("/v1/demand").json()["records"] == before + len(acked)
    assert server.stop() == 0, server.output()
    checked = index_check(server.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_bulk_import_killed_midway_loses_nothing_acknowledged(
        server: Server, workspace, tmp_path: Path) -> None:
    home, keys = workspace
    auth = {"Authorization": keys["Acme Clinic"]}
    big = [posting("big", n) for n in range(2500)]
    with httpx.Client(base_url=server.base, timeout=120, headers=auth) as client:
        started = time.monotonic()
        first = client.post("/v1/postings/bulk",
                            json={"items": [posting("early", n) for n in range(50)]})
        took = time.monotonic() - started  # 50 items: the big bulk takes ~50 times longer
        assert first.status_code == 200 and first.json()["written"] == 50, first.text
        one = client.post("/v1/postings", json=posting("single", 0))
        assert one.status_code == 201, one.text
        acked = [f"early:{n}" for n in range(50)] + ["single:0"]

        answered: list[Any] = []

        def import_big() -> None:
            try:
                answered.append(client.post("/v1/postings/bulk", json={"items": big}))
            except httpx.TransportError as exc:  # the server went away mid-request
                answered.append(exc)

        thread = threading.Thread(target=import_big)
        thread.start()
        time.sleep(max(0.5, 2 * took))  # into the bulk's work (~5%), far from its end
        assert thread.is_alive(), "the bulk finished before the kill: make it bigger"
        server.kill()
        thread.join(60)
    assert isinstance(answered[0], httpx.TransportError), answered

    again = Server(home, tmp_path / "restarted.log")
    try:
        with httpx.Client(base_url=again.base, timeout=120, headers=auth) as client:
            for rid in acked:
                got = client.get(f"/v1/postings/{rid}")
                assert got.status_code == 200 and got.json()["skills"], (rid, got.text)
            mine = []
            cursor = None
            while True:  # every posting stored: whole, with its skills
                page = client.get("/v1/postings", params={"limit": 100, **(
                    {"cursor": cursor} if cursor else {})}).json()
                mine += page["items"]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert all(p["skill_count"] > 0 for p in mine)
            stored = sum(p["id"].startswith("big:") for p in mine)
            assert stored in (0, len(big)), f"{stored} of the bulk's {len(big)} stored"
            # the client resumes: the bulk sent again, what is stored answered unchanged
            resumed = client.post("/v1/postings/bulk", params={"resume": "true"},
                                  json={"items": big})
            assert resumed.status_code == 200, resumed.text[:500]
            body = resumed.json()
            assert body["failed"] == 0 and body["written"] + body["unchanged"] == len(big)
            assert body["unchanged"] == stored
            assert {i["status"] for i in body["items"]} <= {200, 201}
            total = client.get("/v1/postings", params={"employer": "Acme Clinic",
                                                       "limit": 1}).json()["total"]
            assert total == len(acked) + len(big)
            # the service carries on: a write brings the index files up to the database,
            # whatever the kill interrupted (after the bulk's commit, none is rewritten)
            after = client.post("/v1/postings", json=posting("after", 0))
            assert after.status_code == 201, after.text
        assert again.stop() == 0, again.output()
    finally:
        again.close()
    checked = index_check(again.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
