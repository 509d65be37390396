"""The facade: the one object the CLI, the HTTP API and the web pages call.

``SkillMatch(settings)`` composes the services of :mod:`skillmatch.services` and hands
each call to one of them or to a flow of :mod:`skillmatch.flows`: it does no work of its
own. Resources open lazily on first use and stay open, so a long-lived process (the API
server) pays for them once; writes show in later calls without a restart.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .embeddings.base import Embedder
from .linking.linker import SkillLinker
from .progress import ProgressFn
from .records import LinkResult
from .services.context import Context
from .services.corrections import CorrectionService
from .services.keys import KeyService
from .services.linking import LinkingService
from .services.lookup import LookupService
from .services.models import ModelService
from .services.records import RECORD_KINDS, RecordService
from .services.state import State
from .services.taxonomies import TaxonomyService
from .services.writes import RecordWrites
from .settings import Settings
from .storage.taxonomy_store import TaxonomyInfo, TaxonomyStore
from .workspace import Workspace

if TYPE_CHECKING:
    from .catalog.models import Record
    from .demand import DemandModel
    from .flows.catalog_view import CatalogView
    from .flows.demand_view import Visible
    from .flows.targets import Occupation


def _flow(name: str) -> Any:
    """A module of :mod:`skillmatch.flows`, imported on first use (a command that only
    links text never pays for the flows' imports)."""
    return importlib.import_module(f".flows.{name}", __package__)


__all__ = ["RECORD_KINDS", "ProgressFn", "SkillMatch"]


class SkillMatch:
    """Everything skillmatch does, behind one object."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.context = Context(settings or Settings(), embedder)
        self.state = State(self.context, lambda: self.linking_service.linker)
        self.taxonomy_service = TaxonomyService(self.context, self.state)
        self.linking_service = LinkingService(self.context, self.taxonomy_service)
        self.record_service = RecordService(self.context, self.linking_service, self.state)
        self.model_service = ModelService(self.context)

    # ------------------------------------------------------------ resources
    @property
    def settings(self) -> Settings:
        return self.context.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:  # read by every later call
        self.context.settings = settings

    @property
    def workspace(self) -> Workspace:
        return self.context.workspace

    @property
    def conn(self) -> sqlite3.Connection:
        return self.context.conn

    @property
    def taxonomies(self) -> TaxonomyStore:
        return self.context.taxonomies

    @property
    def embedder(self) -> Embedder:
        return self.context.embedder

    def close(self) -> None:
        self.context.close()
        self.linking_service.reset()

    def __enter__(self) -> SkillMatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------- taxonomies and indexes
    def import_taxonomy(self, kind: str, path: str | Path, *, name: str | None = None,
                        version: str | None = None, replace: bool = False) -> TaxonomyInfo:
        """Parse a taxonomy source and store it in one transaction."""
        return self.taxonomy_service.import_taxonomy(kind, path, name=name, version=version,
                                                     replace=replace)

    def import_taxonomy_file(self, path: str | Path, *, kind: str, name: str | None = None,
                             version: str | None = None, replace: bool = False,
                             index: bool = True, progress: ProgressFn | None = None
                             ) -> dict[str, Any]:
        """Import a taxonomy and (``index``) build its skill and occupation indexes: what
        an uploaded taxonomy file (``POST /v1/taxonomies``) runs."""
        info = self.import_taxonomy(kind, path, name=name, version=version, replace=replace)
        built = self.build_indexes([info.name], progress=progress) if index else []
        return {"taxonomy": {k: v for k, v in info.to_dict().items() if k != "source"},
                "indexes": built}

    def list_taxonomies(self) -> list[TaxonomyInfo]:
        return self.taxonomy_service.list_taxonomies()

    def import_crosswalk(self, path: str | Path, kind: str | None = None
                         ) -> list[dict[str, Any]]:
        """Store occupation code crosswalks (see :class:`TaxonomyService`)."""
        return self.taxonomy_service.import_crosswalk(path, kind)

    def list_crosswalks(self) -> list[dict[str, Any]]:
        return self.taxonomy_service.list_crosswalks()

    def build_indexes(self, taxonomies: Sequence[str] = (), *, force: bool = False,
                      progress: ProgressFn | None = None) -> list[dict[str, Any]]:
        """Build the skill and occupation indexes of the named (default: all) taxonomies."""
        return self.taxonomy_service.build_indexes(taxonomies, force=force, progress=progress)

    def index_status(self) -> list[dict[str, Any]]:
        return self.taxonomy_service.index_status()

    # --------------------------------------------------------------- linking
    @property
    def linker(self) -> SkillLinker:
        """The linker of the default selection of taxonomies."""
        return self.linking_service.linker

    def linker_for(self, taxonomies: Sequence[str] | None = None) -> SkillLinker:
        """The linker of ``taxonomies`` (default: the setting, else all indexed ones)."""
        return self.linking_service.linker_for(taxonomies)

    def link(self, texts: Sequence[str], *, top_k: int | None = None,
             threshold: float | None = None, taxonomies: Sequence[str] = ()
             ) -> list[LinkResult]:
        """Link skills in each text: thresholded, or the ``top_k`` best when given."""
        return self.linking_service.link(texts, top_k=top_k, threshold=threshold,
                                         taxonomies=taxonomies)

    def provenance(self, taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """The model and taxonomy versions behind results."""
        return self.linking_service.provenance(taxonomies)

    # --------------------------------------------------------------- records
    def import_records(self, kind: str, source: str | Path | Sequence[Record], *,
                       force: bool = False, progress: ProgressFn | None = None,
                       taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """Import credentials, postings or needs (upsert by id) from a file or records."""
        return self.record_service.import_records(kind, source, force=force, progress=progress,
                                                  taxonomies=taxonomies)

    def import_files(self, paths: Sequence[str | Path], **options: Any) -> dict[str, Any]:
        """Import files in the field's standards, formats detected (see
        :class:`~.services.imports.FileImports`)."""
        from .services.imports import FileImports

        return FileImports(self.context, self.record_service).run(paths, **options)

    @cached_property
    def import_jobs(self) -> Any:
        """Files uploaded to ``/v1/imports``, imported in the background
        (:class:`~.services.import_jobs.ImportJobs`)."""
        from .services.import_jobs import ImportJobs

        return ImportJobs(self.context, self.import_files, self.import_taxonomy_file)

    @cached_property
    def exports(self) -> Any:
        """A credential's skills as Open Badges 3.0 or CTDL alignments, an alignment
        report as JSON or CSV, the demand table as CSV or Parquet, an RSD crosswalk
        (:class:`~.services.exports.Exports`), each with provenance."""
        from .services.exports import Exports

        return Exports(self.context, self.record, self.align, self.demand, self.provenance)

    def synth_postings(self, onet: str | Path, n: int, out: str | Path, *, seed: int = 0,
                       progress: ProgressFn | None = None) -> dict[str, Any]:
        """Write ``n`` synthetic postings generated from O*NET to a JSON Lines file."""
        return self.record_service.synth_postings(onet, n, out, seed=seed, progress=progress)

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """One stored record with its skill mentions and their evidence."""
        return self.record_service.record(kind, record_id)

    def list_records(self, kind: str, *, limit: int | None = 20,
                     offset: int = 0) -> dict[str, Any]:
        return self.record_service.list_records(kind, limit=limit, offset=offset)

    def delete_records(self, kind: str, ids: Sequence[str]) -> dict[str, Any]:
        """Delete records by id, with their skill mentions and index vectors."""
        return self.record_service.delete_records(kind, ids)

    def check_indexes(self, repair: bool = False) -> list[dict[str, Any]]:
        """Every stored credential and posting has exactly one live vector (``repair``:
        bring the index files up to the database first)."""
        return self.record_service.check_indexes(repair)

    @cached_property
    def lookup(self) -> LookupService:
        """Skill and occupation autocomplete; keyset pages of records (services/lookup)."""
        return LookupService(self.context)

    @cached_property
    def writes(self) -> RecordWrites:
        """Postings and needs as an API key sees and writes them (services/writes)."""
        return RecordWrites(self.context, self.record_service, self.state)

    @cached_property
    def corrections(self) -> CorrectionService:
        """Employers' corrections of links and their review queue (services/corrections)."""
        return CorrectionService(self.context, self.record_service, self.state)

    @cached_property
    def keys(self) -> KeyService:
        """API keys and the shared rate limit (services/keys)."""
        return KeyService(self.context)

    # ------------------------------------------------- what the flows read
    @property
    def demand_model(self) -> DemandModel:
        return self.state.demand

    @property
    def catalog_view(self) -> CatalogView:
        return self.state.catalog

    def occupation(self, query: str) -> Occupation:
        """An occupation by code, title or nearest title (:mod:`skillmatch.flows.targets`)."""
        return _flow("targets").find_occupation(self.context, self.state, query)

    # ----------------------------------------------------------------- flows
    def demand(self, *, region: str | None = None, occupation: str | None = None,
               window: tuple[str, str] | None = None, top: int = 20, order: str = "score",
               taxonomies: Sequence[str] = (), progress: ProgressFn | None = None,
               visible: Visible | None = None) -> dict[str, Any]:
        """The most demanded skills of a slice (:mod:`skillmatch.flows.demand_flow`)."""
        with self.state.pinned(progress):  # one snapshot for the whole call
            return _flow("demand_flow").demand(
                self.context, self.taxonomy_service, self.state, region=region,
                occupation=occupation, window=window, top=top, order=order, taxonomies=taxonomies,
                progress=progress, visible=visible)

    def recommend(self, query: str | None = None, *, occupation: str | None = None,
                  known_skills: Sequence[str] = (), max_cost: float | None = None,
                  max_hours: float | None = None, types: Sequence[str] = (),
                  delivery: Sequence[str] = (), region: str | None = None, k: int = 10,
                  include_unknown_cost: bool = False, include_unknown_hours: bool = False,
                  taxonomies: Sequence[str] = (), progress: ProgressFn | None = None,
                  visible: Visible | None = None) -> dict[str, Any]:
        """Ranked credentials for a student, explained (:mod:`skillmatch.flows.recommend`)."""
        with self.state.pinned(progress):  # one snapshot for the whole call
            return _flow("recommend").recommend(
                self.context, self.linking_service, self.state, query, occupation=occupation,
                known_skills=known_skills, max_cost=max_cost, max_hours=max_hours, types=types,
                delivery=delivery, region=region, k=k, include_unknown_cost=include_unknown_cost,
                include_unknown_hours=include_unknown_hours, taxonomies=taxonomies,
                progress=progress, visible=visible)

    def post_need(self, employer: str, *, role: str = "", occupation: str = "",
                  required: Sequence[str] = (), preferred: Sequence[str] = (),
                  openings: int = 1, region: str = "", date: str | None = None,
                  need_id: str | None = None, k: int = 5, taxonomies: Sequence[str] = ()
                  ) -> dict[str, Any]:
        """Store an employer's skill need; who supplies it (:mod:`skillmatch.flows.needs`)."""
        with self.state.pinned():  # one snapshot for the whole call
            return _flow("needs").post_need(
                self.context, self.linking_service, self.record_service, self.state, employer,
                role=role, occupation=occupation, required=required, preferred=preferred,
                openings=openings, region=region, date=date, need_id=need_id, k=k,
                taxonomies=taxonomies)

    def pathway(self, occupation: str, *, known_skills: Sequence[str] = (), by: str = "cost",
                max_steps: int = 4, target_coverage: float = 0.8, max_cost: float | None = None,
                region: str | None = None, include_unknown_cost: bool = False,
                taxonomies: Sequence[str] = (), progress: ProgressFn | None = None
                ) -> dict[str, Any]:
        """A short, cheap sequence of credentials covering an occupation's demand
        (:mod:`skillmatch.flows.pathways`)."""
        with self.state.pinned(progress):  # one snapshot for the whole call
            return _flow("pathways").pathway(
                self.context, self.linking_service, self.state, occupation,
                known_skills=known_skills, by=by, max_steps=max_steps,
                target_coverage=target_coverage, max_cost=max_cost, region=region,
                include_unknown_cost=include_unknown_cost, taxonomies=taxonomies,
                progress=progress)

    def keep_profiles(self, stop: Callable[[], bool] | None = None) -> int:
        """Link and keep the skill profile of every catalogued credential that has none
        kept (what aligning it reads: :mod:`skillmatch.matching.profile_cache`), until
        ``stop()`` says so; how many were computed (0 without the learned matcher)."""
        from .flows.occupation_match import catalog_subjects

        matcher = self.linking_service.matcher()
        if isinstance(matcher, str):
            return 0
        return matcher.fill_profiles(catalog_subjects(self.catalog_view.rows), stop=stop)

    def align(self, credential: str | None = None, *, description: str | None = None,
              occupations: Sequence[str] = (), region: str | None = None, k: int = 5,
              taxonomies: Sequence[str] = (), progress: ProgressFn | None = None
              ) -> dict[str, Any]:
        """Alignment report for a catalogued credential or a free-text description
        (:mod:`skillmatch.flows.align`)."""
        with self.state.pinned(progress):  # one snapshot for the whole call
            return _flow("align").align(
                self.context, self.linking_service, self.state, credential, description=description,
                occupations=occupations, region=region, k=k, taxonomies=taxonomies,
                progress=progress)
