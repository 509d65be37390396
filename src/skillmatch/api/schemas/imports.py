"""An import job: a file uploaded to ``/v1/imports`` and what became of its records."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from .common import Output

JOB_EXAMPLE: dict[str, Any] = {
    "id": "5f1c2a9e0b7d4c3a", "status": "done", "filename": "programs.jsonld",
    "bytes": 48213, "done": 2, "error": "",
    "params": {"format": "auto", "kind": None, "atomic": False, "dry_run": False},
    "created_at": "2027-01-15T10:00:00+00:00", "finished_at": "2027-01-15T10:00:03+00:00",
    "result": {"files": [{"path": "programs.jsonld", "format": "ctdl",
                          "kind": "credential", "created": 2, "updated": 0, "unchanged": 0,
                          "rejected": [{"path": "programs.jsonld", "where": "@graph[3]",
                                        "field": "name",
                                        "reason": "a credential needs a name"}],
                          "refused": None, "mentions": 14, "unresolved": {}, "notes": {},
                          "unused_fields": {}}],
               "totals": {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1,
                          "files": 1}, "dry_run": False, "atomic": False}}


class ImportJob(Output):
    """A file being imported, or imported: ``status`` queued, running, done or failed
    (``error`` says why; a job whose server process stopped reads as failed,
    interrupted); ``done`` the records read so far; ``result`` the report when done:
    per file its detected format, records created, updated, unchanged and rejected (each
    with where in the file, the field and the reason)."""

    model_config = ConfigDict(json_schema_extra={"examples": [JOB_EXAMPLE]})

    id: str
    status: Literal["queued", "running", "done", "failed"]
    filename: str
    bytes: int = Field(description="The size of the uploaded file.")
    done: int = Field(description="Records read so far (imported, unchanged).")
    error: str
    params: dict[str, Any]
    created_at: str
    finished_at: str | None = None
    result: dict[str, Any] | None = None
