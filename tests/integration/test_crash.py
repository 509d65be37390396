"""A bulk import killed with SIGKILL mid-way: every acknowledged batch is intact,
nothing is half-written, the index files still open, and the next import resumes and
leaves the indexes consistent (real SQLite, FAISS files and a real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from skillmatch.app import SkillMatch
from skillmatch.index.faiss_index import FaissIndex
from skillmatch.settings import Settings
from tests.conftest import tiny_bundle
from tests.integration.workers import posting

BATCH, TOTAL = 10, 400

CHILD = textwrap.dedent('''
    import os, sys, time
    from skillmatch.app import SkillMatch
    from skillmatch.embeddings.fake import FakeEmbedder
    from skillmatch.settings import Settings
    from tests.integration.workers import posting

    class Slow(FakeEmbedder):  # about 20 ms a call: the kill lands anywhere in a batch
        def embed(self, texts, progress=None):
            time.sleep(0.02)
            return super().embed(texts, progress)

    home, acked, batch, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    app = SkillMatch(Settings(home=home, embedder="fake", link_threshold=0.3,
                              import_batch_size=batch), embedder=Slow())

    def progress(stage, done, of):  # called once a batch has committed
        with open(acked, "a") as out:
            out.write(f"{done}\\n")
            out.flush()
            os.fsync(out.fileno())

    app.import_records("posting", [posting(f"p{i:04d}") for i in range(total)],
                       progress=progress)
''')


def _acked(path: Path) -> int:
    lines = path.read_text().split() if path.exists() else []
    return int(lines[-1]) if lines else 0


def test_a_killed_bulk_import_keeps_acknowledged_batches_and_resumes(tmp_path) -> None:
    settings = Settings(home=tmp_path / "ws", embedder="fake", link_threshold=0.3,
                        import_batch_size=BATCH)
    with SkillMatch(settings) as app:
        app.taxonomies.save(tiny_bundle())
        app.build_indexes()
        # a first, small import so the postings index exists before the crash
        app.import_records("posting", [posting("p0000")])
    acked = tmp_path / "acked.txt"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.home), str(acked), str(BATCH), str(TOTAL)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    deadline = time.time() + 120
    while _acked(acked) < 5 * BATCH and time.time() < deadline and child.poll() is None:
        time.sleep(0.01)
    time.sleep(0.013)  # somewhere inside the next batch
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the import finished before the kill"
    done = _acked(acked)
    assert 5 * BATCH <= done < TOTAL

    with SkillMatch(settings) as app:
        conn = app.conn
        stored = [r[0] for r in conn.execute("SELECT code FROM postings ORDER BY code")]
        # every acknowledged batch is there (p0000 came first; the killed import's
        # batches start at p0001), and only whole batches
        assert stored[: done + 1] == [f"p{i:04d}" for i in range(done + 1)]
        assert (len(stored) - 1) % BATCH == 0 and len(stored) - 1 - done <= BATCH
        # nothing half-written: every stored posting has its skills and its vector
        assert conn.execute(
            "SELECT count(*) FROM postings p WHERE NOT EXISTS (SELECT 1 FROM skill_mentions"
            " m WHERE m.record_kind='posting' AND m.record_id=p.id)").fetchone()[0] == 0
        assert conn.execute(
            "SELECT count(*) FROM postings p WHERE NOT EXISTS (SELECT 1 FROM record_vectors"
            " v WHERE v.record_kind='posting' AND v.record_id=p.id)").fetchone()[0] == 0
        FaissIndex.load(app.workspace.index_dir("postings"))  # the files open, whole
        assert app.demand_model.size()["records"] == len(stored)
        # opening reconciled the index files with the database: consistent already
        for result in app.check_indexes():
            assert result["ok"], result
        # the next import resumes: what is stored is skipped, the rest imported
        report = app.import_records("posting", [posting(f"p{i:04d}") for i in range(TOTAL)])
        assert (report["unchanged"], report["imported"]) == (len(stored), TOTAL - len(stored))
        for result in app.check_indexes():
            assert result["ok"], result  # one live vector per record, none of the deleted
        assert app.demand_model.size()["records"] == TOTAL
