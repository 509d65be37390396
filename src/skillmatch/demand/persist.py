"""A :class:`~.model.DemandModel` saved and loaded: its columns as ``.npy`` files (never
pickled) and a ``manifest.json`` with its parameters, so a process starts warm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ArtifactError

if TYPE_CHECKING:
    from .model import DemandModel

FORMAT = 1

# the model's columns, each saved as <name without the trailing _>.npy
ARRAYS = ("kind_", "row_id_", "code_", "regions_", "region_", "occupations_",
          "occupation_", "day_", "openings_", "alive_", "m_record_", "m_skill_",
          "m_factor_", "by_skill_", "skill_ptr_")


def save(model: DemandModel, folder: Path, manifest: dict[str, Any]) -> None:
    """Write the model's columns as ``.npy`` files and ``manifest.json`` into the new
    ``folder`` (the caller renames it into place)."""
    folder.mkdir(parents=True)
    for name in ARRAYS:
        np.save(folder / f"{name.rstrip('_')}.npy", getattr(model, name),
                allow_pickle=False)
    meta = {"format": FORMAT, "params": model.get_params(),
            "sorted_upto": int(model.sorted_upto_),
            "recoded": {k: list(v) for k, v in model.recoded_.items()}, **manifest}
    (folder / "manifest.json").write_text(json.dumps(meta, indent=1, sort_keys=True))


def load(cls: type[DemandModel], folder: Path) -> tuple[DemandModel, dict[str, Any]]:
    """The model (of class ``cls``) :func:`save` wrote into ``folder``, and its manifest;
    :class:`ArtifactError` when it is of another format or unreadable."""
    try:
        meta = json.loads((folder / "manifest.json").read_text())
        if meta.get("format") != FORMAT:
            raise ArtifactError(f"{folder}: demand format {meta.get('format')!r}, "
                                f"expected {FORMAT}")
        model = cls(**meta["params"])
        for name in ARRAYS:
            setattr(model, name, np.load(folder / f"{name.rstrip('_')}.npy",
                                         allow_pickle=False))
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(f"{folder}: unreadable demand snapshot ({exc})") from exc
    model.recoded_ = {k: (v[0], int(v[1])) for k, v in meta["recoded"].items()}
    model.sorted_upto_ = int(meta["sorted_upto"])
    model._derive()
    return model, meta
