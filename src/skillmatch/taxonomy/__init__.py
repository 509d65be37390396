"""Taxonomy importers: pure parsers from a source to a :class:`TaxonomyBundle`.

``read_taxonomy("esco", path)`` reads ESCO's CSV export, ``"onet"`` O*NET's text
database (either as a folder or a zip as downloaded), ``"custom"`` a CSV, JSON or
JSON Lines file of skills, ``"rsd"`` Rich Skill Descriptors (OSMT JSON: one, a
collection, an array or JSON Lines; stored as a custom taxonomy). Bad input raises
:class:`InputError` naming the file, line and column; nothing here touches the database.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigurationError, InputError
from ..records import TaxonomyBundle

KINDS = ("esco", "onet", "custom", "rsd")


def read_taxonomy(
    kind: str, path: str | Path, name: str | None = None, version: str | None = None
) -> TaxonomyBundle:
    """Read a taxonomy of ``kind`` (esco, onet, custom or rsd) from ``path``."""
    if not isinstance(kind, str) or kind.strip().lower() not in KINDS:
        raise ConfigurationError(
            f"unknown taxonomy kind {kind!r} (choose one of {', '.join(KINDS)})"
        )
    kind = kind.strip().lower()
    if not Path(path).exists():
        raise InputError("no such file or folder", path=path)
    if kind == "esco":
        from .esco import read_esco

        return read_esco(path, name or "esco", version)
    if kind == "onet":
        from .onet import read_onet

        return read_onet(path, name or "onet", version)
    if kind == "rsd":
        from .rsd import read_rsd

        return read_rsd(path, name or "rsd", version)
    from .custom import read_custom

    return read_custom(path, name or "custom", version)


__all__ = ["KINDS", "read_taxonomy"]
