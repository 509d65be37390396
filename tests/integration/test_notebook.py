"""The program designer's notebook runs top to bottom on the real data, chart included."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from skillmatch.app import SkillMatch

pytestmark = [pytest.mark.model, pytest.mark.shared]

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "alignment_report.ipynb"


def test_alignment_notebook_runs(esco_indexed: SkillMatch, shared: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLMATCH_HOME", str(esco_indexed.settings.home))
    monkeypatch.setenv("SKILLMATCH_SHARED_DATA", str(shared))
    monkeypatch.setenv("SKILLMATCH_EMBEDDER", "onnx")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    chart = tmp_path / "alignment.png"
    assert chart.exists() and chart.stat().st_size > 5_000
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert "alignment" in outputs and "29-2052.00" in outputs
    images = [o for c in nb.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, "the chart is displayed in the notebook"
