"""One error hierarchy for the whole library.

Adapters translate these: the CLI prints ``str(error)`` on one line and exits
non-zero; the HTTP API (a later issue) maps :class:`NotFoundError` to 404,
:class:`ConflictError` to 409 and :class:`InputError` to 422. Library code
raises, it never exits the process.
"""

from __future__ import annotations

from pathlib import Path


class SkillmatchError(Exception):
    """Base class of every error skillmatch raises on purpose."""


class InputError(SkillmatchError):
    """Bad input: a file, a line, a column or a field is not what was expected.

    The message reads ``path:line:column: what was wrong (expected ...)`` with
    the parts that are known, so a person can go straight to the problem.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.field = field
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where: list[str] = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class NotFoundError(SkillmatchError):
    """A named thing (taxonomy, skill, index, model) does not exist."""


class ConflictError(SkillmatchError):
    """The request clashes with what is stored (e.g. a duplicate import)."""


class ConfigurationError(SkillmatchError):
    """A setting has a bad value; the message names it and the valid choices."""


class ArtifactError(SkillmatchError):
    """An on-disk artifact (model, index, database) is missing or inconsistent."""
