"""Slow first calls report progress: align's demand fit, catalogue and occupation signals,
and the same for recommend, pathway and demand (fake embedder)."""

from __future__ import annotations

import io
import shutil

from skillmatch.progress import Progress


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.calls.append((stage, done, total))

    def stages(self) -> list[str]:
        return list(dict.fromkeys(s for s, _, _ in self.calls))

    def finished(self, stage: str) -> bool:
        return any(s == stage and d == t for s, d, t in self.calls)


def test_align_reports_every_slow_step_of_its_first_call(with_onet) -> None:
    with_onet.state.holder.drop()  # as in a new process: nothing fitted or loaded yet
    rec = Recorder()
    with_onet.align("cna", progress=rec)
    stages = rec.stages()
    for stage in ("fit demand", "load catalogue", "occupation signals: descriptions",
                  "occupation signals: documents", "occupation signals: titles",
                  "profiles (occupations)"):
        assert stage in stages, stages
        assert rec.finished(stage), stage
    again = Recorder()
    with_onet.align("weld", progress=again)  # fitted and loaded: nothing slow left
    assert not any(s.startswith(("fit demand", "occupation signals")) for s in again.stages())


def test_a_new_process_reads_the_occupation_signals_cache(with_onet) -> None:
    from skillmatch.app import SkillMatch

    with_onet.align("cna")
    fresh = SkillMatch(with_onet.settings)
    rec = Recorder()
    fresh.align("cna", progress=rec)
    assert "occupation signals: read cache" in rec.stages()
    assert "occupation signals: documents" not in rec.stages()
    fresh.close()


def test_other_flows_report_the_demand_fit(with_onet) -> None:
    for call in (lambda p: with_onet.recommend("take vital signs", progress=p),
                 lambda p: with_onet.pathway("31-1131.00", progress=p),
                 lambda p: with_onet.demand(progress=p)):
        # as a process starting without a persisted demand model
        shutil.rmtree(with_onet.state.holder.demand_dir, ignore_errors=True)
        with_onet.state.holder.drop()
        rec = Recorder()
        call(rec)
        assert rec.finished("fit demand"), rec.stages()


def test_progress_stays_quiet_for_quick_steps() -> None:
    clock = iter([0.0, 0.1, 0.2,            # a quick stage: started, halfway, done
                  10.0, 10.5, 12.0, 20.0])  # a slow one
    out = io.StringIO()
    p = Progress(out, delay=1.0, clock=lambda: next(clock))
    p("quick", 0, 2)
    p("quick", 1, 2)
    p("quick", 2, 2)
    assert out.getvalue() == ""
    p("slow", 0, 3)
    p("slow", 1, 3)  # 0.5 s in: still quiet
    p("slow", 2, 3)  # 2 s in: shown
    p("slow", 3, 3)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("slow: 2/3") and lines[-1].startswith("slow: 3/3")


def test_the_cli_shows_the_progress_of_a_slow_first_align(with_onet, monkeypatch) -> None:
    from click.testing import CliRunner

    from skillmatch import cli
    from skillmatch.cli import flows

    monkeypatch.setattr(flows, "_slow", lambda: Progress(delay=0.0))  # every step is "slow"
    out = CliRunner().invoke(cli.main, ["--home", str(with_onet.settings.home),
                                        "--embedder", "fake", "align", "cna"])
    assert out.exit_code == 0, out.output
    assert "fit demand: 4/4" in out.stderr
    assert "occupation signals" in out.stderr and "fit demand" not in out.stdout
