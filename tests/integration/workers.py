"""Writer and reader bodies for the concurrency and crash tests: plain functions of
plain arguments, so they run in threads and in spawned processes alike."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from skillmatch.app import SkillMatch
from skillmatch.catalog.models import Posting
from skillmatch.settings import Settings
from skillmatch.storage import changes

TEXT = "Take vital signs and administer CPR to patients."


def posting(code: str) -> Posting:
    return Posting(id=code, title="Nursing Assistant", description=TEXT,
                   occupation_code="31-1131.00", region="TX-Houston",
                   date_posted="2026-10-01", openings=1)


def acknowledge(path: Path, ids: list[str]) -> None:
    """Append ids once the call that wrote them has returned (durably, so a killed
    process leaves exactly what it acknowledged)."""
    with open(path, "a") as out:
        out.write("".join(f"{i}\n" for i in ids))
        out.flush()
        os.fsync(out.fileno())


def write(settings: dict[str, Any], prefix: str, batches: int, size: int,
          acked: str) -> None:
    """Import ``batches`` batches of postings and post one need after each."""
    app = SkillMatch(Settings(**settings))
    try:
        for b in range(batches):
            ids = [f"{prefix}-{b}-{i}" for i in range(size)]
            app.import_records("posting", [posting(i) for i in ids])
            acknowledge(Path(acked), ids)
            need = f"{prefix}-need-{b}"
            app.post_need(prefix, role="aide", occupation="31-1131.00", required=["CPR"],
                          region="TX-Houston", date="2026-10-02", need_id=need)
            acknowledge(Path(acked), [need])
    finally:
        app.close()


def check_snapshot(app: SkillMatch) -> int:
    """What a reader may never see: a stored record (posting or need) without its
    skills, or skills not counted in demand. Compares the snapshot with the database
    read in one transaction at the same generation; returns the generation checked."""
    snap = app.state.current()
    demand = snap.demand
    alive = demand.alive_
    has_skills = np.zeros(len(alive), dtype=bool)
    has_skills[demand.m_record_[alive[demand.m_record_]]] = True
    assert has_skills[alive].all(), "a record in demand without its skills"
    conn = app.context.conn
    conn.execute("BEGIN")
    try:
        generation = changes.generation(conn)
        stored = conn.execute("SELECT (SELECT count(*) FROM postings) + "
                              "(SELECT count(*) FROM needs)").fetchone()[0]
        bare = conn.execute(
            "SELECT count(*) FROM postings p WHERE NOT EXISTS (SELECT 1 FROM skill_mentions"
            " m WHERE m.record_kind = 'posting' AND m.record_id = p.id)").fetchone()[0]
    finally:
        conn.execute("COMMIT")
    assert bare == 0, f"{bare} stored postings without their skills"
    if generation == snap.generation:
        assert demand.size()["records"] == stored, (demand.size(), stored)
    return snap.generation


def read(settings: dict[str, Any], stop_file: str, deadline: float) -> int:
    """Run recommend and align and check snapshots until ``stop_file`` exists;
    returns how many rounds ran."""
    app = SkillMatch(Settings(**settings))
    rounds = 0
    try:
        while not Path(stop_file).exists() and time.time() < deadline:
            check_snapshot(app)
            out = app.recommend(occupation="31-1131.00", k=3)
            assert out["results"], out
            app.align("cna", k=3)
            rounds += 1
    finally:
        app.close()
    return rounds
