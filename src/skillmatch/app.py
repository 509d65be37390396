"""The facade: the one object the CLI, the HTTP API and the web pages call.

``SkillMatch(settings)`` stores the settings; the database, the embedder and
the indexes open lazily on first use and stay open, so a long-lived process
(the API server) pays for them once. Writes (imports, index builds) become
visible to later calls on the same object without a restart.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .demand import DemandModel
from .embeddings import make_embedder
from .embeddings.base import Embedder
from .errors import ArtifactError, InputError, NotFoundError
from .index import catalog
from .index.faiss_index import FaissIndex, read_manifest
from .linking.linker import SkillLinker
from .linking.ranker import RankerModel
from .records import LinkResult
from .settings import Settings
from .storage.records_store import RecordStore, decode_row
from .storage.taxonomy_store import TaxonomyInfo, TaxonomyStore
from .workspace import Workspace

if TYPE_CHECKING:
    from .catalog.models import Record
    from .catalog.pipeline import DeclaredSkills
    from .flows.catalog_view import CatalogView
    from .flows.occupation_match import OccupationMatcher, Subject
    from .flows.targets import Occupation
    from .taxonomy.crosswalk import OccupationCodes

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
RECORD_KINDS = ("credential", "posting", "need")
# manifest keys FaissIndex.save computes itself (the rest name what the index holds)
_COMPUTED_MANIFEST = frozenset({"format", "index_type", "metric", "dimension", "count",
                                "positions", "params", "versions", "saved_at"})


def _kind(kind: str) -> str:
    if kind not in RECORD_KINDS:
        raise InputError(f"unknown record kind {kind!r} (choose one of "
                         f"{', '.join(RECORD_KINDS)})", field="kind")
    return kind


class SkillMatch:
    """Everything skillmatch does, behind one object."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self.workspace = Workspace(self.settings.home)
        self._embedder = embedder
        self._conn: sqlite3.Connection | None = None
        self._linker: SkillLinker | None = None
        self._demand: DemandModel | None = None
        self._catalog: CatalogView | None = None
        self._centroids: tuple[list[str], list[str], np.ndarray] | None = None
        self._declared_by: dict[int, DeclaredSkills] = {}
        self._matcher: OccupationMatcher | None = None
        self._ranker: RankerModel | None = None
        self._ranker_read = False
        self._document_read = False
        self._document: RankerModel | None = None
        self._codes: OccupationCodes | None = None

    # ------------------------------------------------------------ resources
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self.workspace.connect()
        return self._conn

    @property
    def taxonomies(self) -> TaxonomyStore:
        return TaxonomyStore(self.conn)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings, cache_path=self.workspace.cache_path)
        return self._embedder

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._linker = None

    def __enter__(self) -> SkillMatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- taxonomy
    def import_taxonomy(
        self,
        kind: str,
        path: str | Path,
        *,
        name: str | None = None,
        version: str | None = None,
        replace: bool = False,
    ) -> TaxonomyInfo:
        """Parse a taxonomy source and store it in one transaction."""
        from .taxonomy import read_taxonomy  # importers load only when importing

        bundle = read_taxonomy(kind, path, name=name, version=version)
        info = self.taxonomies.save(bundle, replace=replace)
        self._linker = None
        self._changed()  # occupation codes (and what demand counts them toward) may move
        log.info("imported %s %s: %s", info.name, info.version, info.counts)
        return info

    def list_taxonomies(self) -> list[TaxonomyInfo]:
        return self.taxonomies.all()

    def import_crosswalk(self, path: str | Path, kind: str | None = None
                         ) -> list[dict[str, Any]]:
        """Store the occupation code crosswalks in ``path`` (O*NET's 2010 to 2019 csv,
        BLS's SOC 2010 to 2018 xlsx, or a folder with either), each in one transaction
        (replacing one of the same kind)."""
        from .storage.crosswalk_store import CrosswalkStore
        from .taxonomy.crosswalk import read_crosswalks

        store = CrosswalkStore(self.conn)
        saved = [store.save(c) for c in read_crosswalks(path, kind)]
        self._changed()
        return saved

    def list_crosswalks(self) -> list[dict[str, Any]]:
        from .storage.crosswalk_store import CrosswalkStore

        return CrosswalkStore(self.conn).all()

    @property
    def occupation_codes(self) -> OccupationCodes:
        """Occupation codes of any release read as the loaded O*NET-SOC 2019 codes,
        through the stored crosswalks (rebuilt after an import)."""
        if self._codes is None:
            from .storage.crosswalk_store import CrosswalkStore
            from .storage.occupation_store import OccupationStore
            from .taxonomy.crosswalk import OccupationCodes

            store = CrosswalkStore(self.conn)
            self._codes = OccupationCodes(OccupationStore(self.conn).codes_of_kind("onet"),
                                          store.mapping("onet-2010"), store.mapping("soc-2010"))
        return self._codes

    # --------------------------------------------------------------- indexes
    def build_indexes(
        self,
        taxonomies: Sequence[str] = (),
        *,
        force: bool = False,
        progress: ProgressFn | None = None,
    ) -> list[dict[str, Any]]:
        """Build the skill and occupation indexes of the named (default: all) taxonomies.

        An index already current for the model, the import and the settings is
        kept unless ``force``; the embedding cache makes rebuilds cheap.
        """
        store = self.taxonomies
        infos = [store.get(n) for n in taxonomies] if taxonomies else store.all()
        if not infos:
            raise InputError(
                "no taxonomy is loaded; run `skillmatch taxonomy import esco|onet|custom PATH`"
            )
        built = []
        for info in infos:
            jobs = [
                (f"skills-{info.name}", lambda i=info: catalog.skill_entries(
                    store, i.name, self.settings.index_alt_labels)),
                (f"occupations-{info.name}", lambda i=info: catalog.occupation_entries(
                    self.conn, i.name)),
            ]
            for name, entries in jobs:
                directory = self.workspace.index_dir(name)
                if not force and catalog.is_current(directory, self.embedder, info, self.settings):
                    built.append({**read_manifest(directory), "status": "current"})
                    continue
                manifest = catalog.build_index(
                    name, entries(), self.embedder, self.settings, directory, info, progress
                )
                built.append({**manifest, "status": "built"})
        self._linker = None
        return built

    def index_status(self) -> list[dict[str, Any]]:
        out = []
        for info in self.taxonomies.all():
            for prefix in ("skills", "occupations"):
                directory = self.workspace.index_dir(f"{prefix}-{info.name}")
                try:
                    manifest = read_manifest(directory)
                except ArtifactError:
                    out.append({"name": directory.name, "status": "missing"})
                    continue
                current = manifest.get("taxonomy", {}).get("imported_at") == info.imported_at
                out.append({**manifest, "status": "current" if current else "stale"})
        return out

    def _skill_indexes(self) -> dict[str, FaissIndex]:
        """The skill indexes to link against: every loaded taxonomy that has one; the
        ones the setting ``taxonomies`` names must have one."""
        store = self.taxonomies
        named = self._selection(None) or []
        names = [t.name for t in store.all()]
        if not names:
            raise InputError(
                "no taxonomy is loaded; run `skillmatch taxonomy import esco|onet|custom PATH`"
            )
        indexes = {}
        for name in names:
            info = store.get(name)
            directory = self.workspace.index_dir(f"skills-{name}")
            if name not in named and not (directory / "manifest.json").exists():
                if not named:
                    log.warning("taxonomy %s has no index yet; linking without it", name)
                continue
            index, manifest = FaissIndex.load(directory)
            if manifest.get("model") != self.embedder.model_id:
                raise ArtifactError(
                    f"{directory}: built with model {manifest.get('model')!r} but the active "
                    f"model is {self.embedder.model_id!r}; run `skillmatch index build`"
                )
            if manifest.get("taxonomy", {}).get("imported_at") != info.imported_at:
                log.warning("index %s is older than the %s import; rebuild it", directory, name)
            indexes[name] = index
        if not indexes:
            raise ArtifactError(
                f"no skill index built for {', '.join(names)}; run `skillmatch index build`"
            )
        return indexes

    # --------------------------------------------------------------- linking
    @property
    def linker(self) -> SkillLinker:
        """The linker of the default selection: the setting ``taxonomies``, else every
        loaded taxonomy with an index (one group per taxonomy, see :meth:`linker_for`)."""
        return self.linker_for(None)

    def linker_for(self, taxonomies: Sequence[str] | None = None) -> SkillLinker:
        """The linker of ``taxonomies`` (default: the setting ``taxonomies``, else all
        indexed ones). Several taxonomies are linked and ranked each on its own and
        returned group after group (:meth:`SkillLinker.rank`); each is fitted once."""
        names = self._selection(taxonomies)
        full = self.full_linker
        for name in names or ():
            if name not in full.indexes_:
                raise ArtifactError(f"taxonomy {name!r} has no skill index; run "
                                    f"`skillmatch index build --taxonomy {name}`")
        return full.subset(names)

    def _selection(self, taxonomies: Sequence[str] | None) -> list[str] | None:
        """The taxonomies asked for (else the setting ``taxonomies``), each checked to
        be loaded; None for all of them."""
        names = [p.strip() for n in taxonomies or () for p in n.split(",") if p.strip()]
        names = names or [n for n in self.settings.taxonomies if n.strip()]
        if not names:
            return None
        loaded = [t.name for t in self.taxonomies.all()]
        for name in names:
            if name not in loaded:
                raise InputError(f"unknown taxonomy {name!r} (loaded: "
                                 f"{', '.join(loaded) or 'none'})", field="taxonomy")
        return list(dict.fromkeys(names))

    @property
    def full_linker(self) -> SkillLinker:
        """The linker over every indexed taxonomy (what :meth:`linker_for` selects from)."""
        if self._linker is None:
            self._declared_by.clear()
            from .linking.profiles import make_linker

            self._linker = make_linker(
                self.settings, ranker=self.ranker, document_model=self.document_model,
            ).fit(self.taxonomies, self.embedder, self._skill_indexes())
        return self._linker

    @property
    def ranker(self) -> RankerModel | None:
        """The calibrated ranker fitted for the active model, if any (and wanted); read
        once per app (it depends only on the settings and the model's files)."""
        if not self._ranker_read:
            self._ranker_read = True
            self._ranker = self._read_ranker()
        return self._ranker

    def _read_ranker(self, filename: str = "ranker.json",
                     known: tuple[str, ...] | None = None) -> RankerModel | None:
        s = self.settings
        if s.link_ranker == "off" or s.embedder != "onnx":
            return None
        model = RankerModel.load(Path(s.models_dir) / s.model_name, filename,
                                 *(() if known is None else (known,)))
        if model is not None and model.meta.get("model") != self.embedder.model_id:
            log.warning("%s in %s was fitted for %s, not %s: not used (refit it: "
                        "skillmatch models fit-ranker / fit-document)", filename,
                        s.model_name, model.meta.get("model"), self.embedder.model_id)
            return None
        return model

    @property
    def document_model(self) -> RankerModel | None:
        """The document keep-or-drop model fitted for the active model, if any: read
        once per app, like :attr:`ranker`."""
        if not self._document_read:
            from .linking.document import DOC_FEATURES

            self._document_read = True
            self._document = self._read_ranker("document.json", DOC_FEATURES)
        return self._document

    @property
    def declared(self) -> DeclaredSkills:
        """Resolves declared skills (ids, labels, free text); rebuilt with the linker."""
        return self.declared_for(None)

    def declared_for(self, taxonomies: Sequence[str] | None) -> DeclaredSkills:
        """:attr:`declared` for the skills of ``taxonomies`` (see :meth:`linker_for`)."""
        from .catalog.pipeline import DeclaredSkills

        linker = self.linker_for(taxonomies)
        found = self._declared_by.get(id(linker))
        if found is None or found.linker is not linker:
            found = self._declared_by[id(linker)] = DeclaredSkills(self.taxonomies, linker)
        return found

    def link(
        self,
        texts: Sequence[str],
        *,
        top_k: int | None = None,
        threshold: float | None = None,
        taxonomies: Sequence[str] = (),
    ) -> list[LinkResult]:
        """Link skills in each text: thresholded, or the ``top_k`` best when given; against
        ``taxonomies`` (default: the setting, else all), one group per taxonomy."""
        linker = self.linker_for(taxonomies)
        if top_k is not None:
            if top_k < 1:
                raise InputError(f"top_k must be at least 1, got {top_k}", field="top_k")
            return linker.rank(texts, top_k)
        return linker.link(texts, threshold)

    # --------------------------------------------------------------- records
    def import_records(
        self,
        kind: str,
        source: str | Path | Sequence[Record],
        *,
        force: bool = False,
        progress: ProgressFn | None = None,
        taxonomies: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Import credentials, postings or needs (upsert by id) from a CSV or JSON Lines
        file, or from records already parsed (e.g. :mod:`skillmatch.datasets`); their
        skills linked against ``taxonomies`` (default: the setting, else all)."""
        from .catalog.models import PARSERS
        from .catalog.pipeline import INDEXED, RecordImporter
        from .catalog.readers import read_records

        if isinstance(source, str | Path):
            records = read_records(kind, source)
        else:
            records = list(source)
            if kind not in PARSERS:
                raise InputError(f"unknown record kind {kind!r} (choose one of "
                                 f"{', '.join(PARSERS)})", field="kind")
            if not records:
                raise InputError(f"no {kind}s to import", field="records")
        index_dir = self.workspace.index_dir(INDEXED[kind]) if kind in INDEXED else None
        manifest = {"name": INDEXED.get(kind, kind), "model": self.embedder.model_id,
                    "records": kind}
        report = RecordImporter(batch_size=self.settings.import_batch_size, force=force).run(
            kind, records, RecordStore(self.conn), self.declared_for(taxonomies),
            index_dir, manifest, progress,
        )
        self._changed()
        return report.to_dict()

    def synth_postings(self, onet: str | Path, n: int, out: str | Path, *, seed: int = 0,
                       progress: ProgressFn | None = None) -> dict[str, Any]:
        """Write ``n`` synthetic postings generated from O*NET to a JSON Lines file."""
        from .catalog.readers import write_records
        from .catalog.synth import synth_postings

        def tracked() -> Any:
            for i, posting in enumerate(synth_postings(onet, n, seed), start=1):
                if progress and (i % 1000 == 0 or i == n):
                    progress("synth postings", i, n)
                yield posting

        count = write_records(tracked(), out)
        return {"written": count, "path": str(out), "seed": seed, "source": str(onet),
                "synthetic": True}

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """One stored record with its skill mentions and their evidence."""
        store = RecordStore(self.conn)
        row = decode_row(store.get(_kind(kind), record_id))
        mentions = store.evidence(kind, row["id"])
        skills = self.taxonomies.skills_by_id(m["skill_id"] for m in mentions)
        row["skills"] = [
            {"id": skills[m["skill_id"]].code, "label": skills[m["skill_id"]].label,
             "taxonomy": skills[m["skill_id"]].taxonomy, "score": round(m["score"], 4),
             "source": m["source"], "role": m["role"],
             "evidence": {"start": m["evidence_start"], "end": m["evidence_end"],
                          "text": m["evidence_text"]}}
            for m in mentions
        ]
        return row

    def list_records(self, kind: str, *, limit: int | None = 20,
                     offset: int = 0) -> dict[str, Any]:
        """A page of the stored records of ``kind``, in import order, and their total."""
        kind = _kind(kind)
        if limit is not None and limit < 1:
            raise InputError(f"limit must be at least 1, got {limit}", field="limit")
        if offset < 0:
            raise InputError(f"offset must be at least 0, got {offset}", field="offset")
        total, rows = RecordStore(self.conn).page(kind, limit=limit, offset=offset)
        return {"kind": kind, "total": total, "offset": offset, "limit": limit,
                "records": rows}

    def delete_records(self, kind: str, ids: Sequence[str]) -> dict[str, Any]:
        """Delete records by id: their rows, skill mentions and index vectors, in one
        database transaction; an unknown id is an error and deletes nothing. Demand and
        the catalogue are recomputed on next use, so later calls see them gone."""
        from .catalog.pipeline import INDEXED

        kind = _kind(kind)
        codes = [c for c in ids if c]
        if not codes:
            raise InputError(f"no ids to delete (give the ids of the {kind}s)", field="ids")
        directory = self.workspace.index_dir(INDEXED[kind]) if kind in INDEXED else None
        removed = 0

        def drop_vectors(row_ids: list[int]) -> None:
            # inside the transaction: if saving the index fails, nothing is deleted
            nonlocal removed
            if directory is None or not (directory / "manifest.json").exists():
                return
            index, manifest = FaissIndex.load(directory)
            removed = index.remove(np.array(row_ids, dtype=np.int64))
            if removed:
                index.save(directory, {k: v for k, v in manifest.items()
                                       if k not in _COMPUTED_MANIFEST})

        deleted = RecordStore(self.conn).delete(kind, codes, before_commit=drop_vectors)
        self._changed()
        return {"kind": kind, "deleted": deleted, "vectors_removed": removed}

    # ---------------------------------------------------------------- demand
    @property
    def demand_model(self) -> DemandModel:
        """Fitted on every stored posting and need; refitted after any import."""
        return self._fit_demand(None)

    def _fit_demand(self, progress: ProgressFn | None) -> DemandModel:
        if self._demand is None:
            from .flows.demand_view import fit_demand

            self._demand = fit_demand(RecordStore(self.conn), self.settings,
                                      self.occupation_codes.canonical, progress)
        return self._demand

    def _prepare(self, progress: ProgressFn | None, catalog: bool = True) -> None:
        """Load what the flows read, reporting each step to ``progress`` (a first call
        on a big workspace fits demand on every posting: seconds to minutes)."""
        if progress is None:
            return
        progress("load skill linker", 0, 1)
        _ = self.linker
        progress("load skill linker", 1, 1)
        self._fit_demand(progress)
        if catalog:
            progress("load catalogue", 0, 1)
            _ = self.catalog_view
            progress("load catalogue", 1, 1)

    @property
    def catalog_view(self) -> CatalogView:
        if self._catalog is None:
            from .flows.catalog_view import CatalogView

            self._catalog = CatalogView.load(
                RecordStore(self.conn), self.workspace.index_dir("credentials"),
                self.embedder.dimension)
        return self._catalog

    def _changed(self) -> None:
        self._demand = None
        self._catalog = None
        self._centroids = None
        self._codes = None

    def demand(
        self,
        *,
        region: str | None = None,
        occupation: str | None = None,
        window: tuple[str, str] | None = None,
        top: int = 20,
        order: str = "score",
        taxonomies: Sequence[str] = (),
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """The most demanded skills of a slice, each with the postings behind it; only
        skills of ``taxonomies`` (default: the setting, else all)."""
        from .flows.demand_view import demand_table

        self._prepare(progress, catalog=False)

        names = self._selection(taxonomies)
        code = target = None
        if occupation:
            occ = self.occupation(occupation)
            code, target = occ.code, occ.to_dict()
        table = demand_table(self.demand_model, self.taxonomies, region=region,
                             occupation=code, window=window, top=top, order=order,
                             only=names)
        if code:
            table["target"] = target
            table["tiers"] = self._tier_labels(self.demand_model.tiers(code, region), names)
        return table

    def _tier_labels(self, tiers: dict[str, Any],
                     only: Sequence[str] | None = None) -> dict[str, Any]:
        ids = [r["skill_id"] for t in ("necessary", "defining", "distinguishing")
               for r in tiers[t]]
        rows = self.taxonomies.skills_by_id(ids)
        for t in ("necessary", "defining", "distinguishing"):
            if only:
                tiers[t] = [r for r in tiers[t] if rows[r["skill_id"]].taxonomy in only]
            for r in tiers[t]:
                r["label"] = rows[r["skill_id"]].label
                r["id"] = rows[r["skill_id"]].code
        return tiers

    def occupation(self, query: str) -> Occupation:
        from .flows.targets import resolve_occupation

        demand = self.demand_model
        return resolve_occupation(
            self.conn, self.workspace, self.embedder, query, self.occupation_codes,
            lambda code: int(demand.size(occupation=code)["records"]),
            demand.min_postings)

    # ------------------------------------------------------------- recommend
    def recommend(
        self,
        query: str | None = None,
        *,
        occupation: str | None = None,
        known_skills: Sequence[str] = (),
        max_cost: float | None = None,
        max_hours: float | None = None,
        types: Sequence[str] = (),
        delivery: Sequence[str] = (),
        region: str | None = None,
        k: int = 10,
        include_unknown_cost: bool = False,
        include_unknown_hours: bool = False,
        taxonomies: Sequence[str] = (),
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """Ranked credentials for a student, each explained (see ``flows.recommend``);
        demand and known skills counted in ``taxonomies`` (default: the setting, else all).

        A credential with no cost (hours) given has an unknown one (None, not free): it
        passes ``max_cost`` (``max_hours``) only with ``include_unknown_cost``
        (``include_unknown_hours``)."""
        from .flows.recommend import Filters, formula, query_weights, rank_credentials
        from .flows.targets import global_weights, occupation_skills, unit

        text = (query or "").strip()
        if not text and not occupation and not known_skills:
            raise InputError("nothing to recommend for: give a query, a target occupation "
                             "or the skills the student has", field="query")
        for name, value in (("max_cost", max_cost), ("max_hours", max_hours)):
            if value is not None and value < 0:
                raise InputError(f"{value!r} is negative (expected a number >= 0)", field=name)
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}", field="k")
        filters = Filters(max_cost, max_hours, list(types), list(delivery), region,
                          include_unknown_cost, include_unknown_hours)
        self._prepare(progress)
        linker = self.linker_for(taxonomies)
        out: dict[str, Any] = {"query": text or None, "filters": filters.describe()}
        catalog = self.catalog_view
        if not catalog.rows:
            return {**out, "results": [],
                    "reason": "no credentials imported; run `skillmatch credentials import`"}
        demand = self.demand_model
        vectors = []
        value_weights: dict[int, float] | None = None
        if text:
            vectors.append(self.embedder.embed([text])[0])
        if occupation:
            occ = self.occupation(occupation)
            weights, basis = occupation_skills(self.conn, demand, occ, region, linker)
            vectors.append(self.embedder.embed([f"{occ.label}: {occ.description}"])[0])
            out["occupation"] = out["target"] = occ.to_dict()
        elif text:
            weights, value_weights, basis, implied = query_weights(
                self.conn, self.workspace, demand, linker, vectors[0], region, text)
            out["implied_targets"] = [o.to_dict() for o in implied]
        else:
            weights, basis = global_weights(demand, region), "all postings and needs"
        targeted = bool(occupation or out.get("implied_targets"))
        weights = {s: w for s, w in weights.items() if s in linker.skills_}
        value_weights = {s: w for s, w in (weights if value_weights is None
                                           else value_weights).items()
                         if s in linker.skills_}
        known, unresolved = self.declared_for(taxonomies).resolve(list(known_skills))
        known_ids = {m.skill_id for m in known}
        results = rank_credentials(
            catalog, demand, self.taxonomies,
            query_vector=unit(np.mean(vectors, axis=0)) if vectors else None,
            weights=weights, known=known_ids, filters=filters,
            relevance_weight=self.settings.recommend_relevance_weight, k=k,
            targeted=targeted, value_weights=value_weights)
        self._posting_titles([p for r in results for p in r["postings"]])
        out.update({
            "demand_basis": basis,
            "known_skills": sorted(r.label for r in self.taxonomies.skills_by_id(
                known_ids).values()),
            "unresolved_skills": unresolved,
            "formula": formula(self.settings.recommend_relevance_weight, targeted,
                               bool(vectors)),
            "results": results,
            "provenance": self.provenance(taxonomies),
        })
        if not results:
            out["reason"] = f"no credential passes the filters {filters.describe()}"
        return out

    # ----------------------------------------------------------------- needs
    def post_need(
        self,
        employer: str,
        *,
        role: str = "",
        occupation: str = "",
        required: Sequence[str] = (),
        preferred: Sequence[str] = (),
        openings: int = 1,
        region: str = "",
        date: str | None = None,
        need_id: str | None = None,
        k: int = 5,
        taxonomies: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Store an employer's skill need, count it in demand at once, and show what it
        understood, what it could not link, and the credentials that supply the skills;
        its skills resolved in ``taxonomies`` (default: the setting, else all)."""
        from .catalog.models import parse_need
        from .catalog.pipeline import RecordImporter
        from .flows.recommend import Filters, rank_credentials

        need = parse_need(
            {"id": need_id, "employer": employer, "role": role, "occupation_code": occupation,
             "required_skills": list(required), "preferred_skills": list(preferred),
             "openings": openings, "region": region, "date": date},
            "need", 1)
        declared = self.declared_for(taxonomies)
        report = RecordImporter(force=True).run(
            "need", [need], RecordStore(self.conn), declared, None, {}, None)
        self._changed()
        stored = self.record("need", need.id)
        weights: dict[int, float] = {}
        for m in RecordStore(self.conn).evidence("need", stored["id"]):
            weights[m["skill_id"]] = max(weights.get(m["skill_id"], 0.0),
                                         1.0 if m["role"] == "required" else 0.5)
        catalog = self.catalog_view
        supply = rank_credentials(
            catalog, self.demand_model, self.taxonomies, query_vector=None, weights=weights,
            known=set(), filters=Filters(), relevance_weight=0.0, k=k) if catalog.rows else []
        return {
            "need": {"id": need.id, "employer": employer, "role": role,
                     "occupation": occupation, "openings": need.openings, "region": region},
            "understood": [{"phrase": s["evidence"]["text"], "id": s["id"], "label": s["label"],
                            "role": s["role"], "score": s["score"]} for s in stored["skills"]],
            "not_linked": report.unresolved.get(need.id, []),
            "demand_records": self.demand_model.size()["records"],
            "credentials": [r for r in supply if r["value"] > 0],
        }

    # -------------------------------------------------------------- pathways
    def pathway(
        self,
        occupation: str,
        *,
        known_skills: Sequence[str] = (),
        by: str = "cost",
        max_steps: int = 4,
        target_coverage: float = 0.8,
        max_cost: float | None = None,
        region: str | None = None,
        include_unknown_cost: bool = False,
        taxonomies: Sequence[str] = (),
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """The cheapest short sequence of credentials covering the occupation's demand
        (see ``flows.pathways``: unknown costs are not free, and totals name them),
        counting the skills of ``taxonomies`` (default: the setting, else all)."""
        from .flows.pathways import greedy_cover, with_labels
        from .flows.recommend import Filters
        from .flows.targets import occupation_skills

        if by not in ("cost", "hours"):
            raise InputError(f"by {by!r} (expected cost or hours)", field="by")
        if max_steps < 1:
            raise InputError(f"max_steps must be at least 1, got {max_steps}", field="max_steps")
        self._prepare(progress)
        occ = self.occupation(occupation)
        linker = self.linker_for(taxonomies)
        weights, basis = occupation_skills(self.conn, self.demand_model, occ, region, linker)
        weights = {s: w for s, w in weights.items() if s in linker.skills_}
        known, unresolved = self.declared_for(taxonomies).resolve(list(known_skills))
        result = greedy_cover(self.catalog_view, weights, {m.skill_id for m in known},
                              Filters(max_cost=max_cost, region=region,
                                      include_unknown_cost=include_unknown_cost), by=by,
                              max_steps=max_steps, target_coverage=target_coverage)
        with_labels(result, self.taxonomies.skills_by_id(weights))
        target = occ.to_dict()
        return {"occupation": target, "target": target, "demand_basis": basis, "by": by,
                "unresolved_skills": unresolved, **result}

    # ----------------------------------------------------------------- align
    def align(
        self,
        credential: str | None = None,
        *,
        description: str | None = None,
        occupations: Sequence[str] = (),
        region: str | None = None,
        k: int = 5,
        taxonomies: Sequence[str] = (),
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """Alignment report for a catalogued credential or a free-text description, over
        the skills of ``taxonomies`` (default: the setting, else all)."""
        from .flows.align import coverage_report, prepares_for_confidence, similar
        from .flows.occupation_match import Subject, cip_of
        from .flows.targets import occupation_skills

        text = (description or "").strip()
        if not credential and not text:
            raise InputError("give a credential id or a description to align",
                             field="credential")
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}", field="k")
        self._prepare(progress)
        catalog, demand = self.catalog_view, self.demand_model
        linker = self.linker_for(taxonomies)
        if credential:
            pos = catalog.position.get(credential)
            if pos is None:
                raise NotFoundError(f"no credential with id {credential!r}; import it first "
                                    "or align a description instead")
            taught = {s: c for s, c in catalog.taught(pos).items() if s in linker.skills_}
            vector = catalog.vectors[pos]
            row = catalog.rows[pos]
            subject = {"id": credential, "title": row["title"]}
            matched = Subject(row["title"], row["description"] or "", cip_of(row.get("meta")))
        else:
            pos = None
            [linked], vectors = linker.link_documents([text])
            taught = {}
            for s in linked.skills:
                taught[s.row_id] = max(taught.get(s.row_id, 0.0), s.score)
            vector = vectors[0]
            subject = {"id": None, "title": text[:80]}
            matched = Subject("", text)
        prepared, prepared_basis = self._prepares_for(demand, taught, vector, matched,
                                                      progress=progress)
        targets = [self.occupation(o) for o in occupations] or [
            self.occupation(p["code"]) for p in prepared[:3]]
        weights: dict[int, float] = {}
        bases = []
        for occ in targets:
            w, basis = occupation_skills(self.conn, demand, occ, region, linker)
            bases.append({"occupation": occ.to_dict(), "basis": basis})
            for sid, value in w.items():
                if sid in linker.skills_:
                    weights[sid] = max(weights.get(sid, 0.0), value)
        shares = {s: f["share"] for s, f in demand.skills(region=region).items()}
        # soft coverage: a skill counts once across taxonomies (flows.same_skill)
        from .flows.align import RARELY_DEMANDED
        from .flows.same_skill import same_skills

        same = same_skills(self.taxonomies, self.embedder, set(taught) | set(weights) | {
            s for s, share in shares.items() if share >= RARELY_DEMANDED},
            self.settings.same_skill_cosine)
        report = coverage_report(taught, weights, shares, k, same)
        shown = report["covered"] + report["missing"][:50]
        labels = self.taxonomies.skills_by_id(
            set(taught) | set(shown) | set(report["covered_by"].values())
            | {o for sid in shown for o in report["same_as"].get(sid, ())})

        def ref(sid: int) -> dict[str, Any]:
            return {"id": labels[sid].code, "label": labels[sid].label,
                    "taxonomy": labels[sid].taxonomy}

        def skill(sid: int) -> dict[str, Any]:
            out = {**ref(sid), "demand_weight": round(weights.get(sid, 0.0), 4),
                   "share_of_postings": round(shares.get(sid, 0.0), 4)}
            if sid in report["covered_by"]:  # taught as the same skill of another taxonomy
                out["covered_by"] = ref(report["covered_by"][sid])
            if sid in report["same_as"]:
                out["same_as"] = [ref(o) for o in report["same_as"][sid]]
            return out

        codes = [r["code"] for r in catalog.rows]
        return {
            "credential": subject,
            "targets": bases,
            "alignment": report["alignment"],
            "formula": "sum(w(s) * taught(s)) / sum(w(s)) over the targets' skills, each "
                       "counted once across taxonomies (taught: the skill or the same skill "
                       "of another taxonomy)",
            "covered_in_demand": [skill(s) for s in report["covered"]],
            "missing_in_demand": [skill(s) for s in report["missing"][:20]],
            "rarely_demanded": [skill(s) for s in report["rare"]],
            "prepares_for": prepared[:k],
            "prepares_for_basis": prepared_basis,
            "prepares_for_confidence": prepares_for_confidence(prepared[:k], prepared_basis,
                                                               bool(occupations)),
            "similar_credentials": [
                {"id": code, "title": catalog.rows[catalog.position[code]]["title"],
                 "similarity": round(score, 4)}
                for code, score in similar(catalog.vectors, pos, vector, codes, k)],
            "suggested_additions": [
                {**skill(a["skill_id"]), "gain": a["gain"]} for a in report["additions"]],
            "provenance": self.provenance(taxonomies),
        }

    def _prepares_for(self, demand: DemandModel, taught: dict[int, float], vector: np.ndarray,
                      subject: Subject, k: int = 10, progress: ProgressFn | None = None
                      ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Occupations the credential prepares for, and on what basis: the learned matching
        model when it can apply, else the fixed text + overlap formula."""
        from .flows.align import FIXED, prepares_for
        from .flows.occupation_match import load_matcher

        linker = self.linker
        if self._matcher is None or self._matcher.linker is not linker:
            found = load_matcher(self, linker, progress=progress)
            if isinstance(found, str):
                rows = prepares_for(demand, taught, self._occupation_text_scores(vector), k)
                return rows, {**FIXED, "learned": False, "reason": found}
            self._matcher = found
        return self._matcher.rank(subject, k)

    def _occupation_text_scores(self, vector: np.ndarray,
                                depth: int = 50) -> dict[str, tuple[float, str]]:
        """Occupation code -> (best cosine of its title or description, label)."""
        from .index.catalog import DESC_OFFSET

        best: dict[int, float] = {}
        for info in self.taxonomies.all():
            directory = self.workspace.index_dir(f"occupations-{info.name}")
            if not (directory / "manifest.json").exists():
                continue
            index, _ = FaissIndex.load(directory)
            scores, ids = index.search(vector, depth)
            labels = [int(i) for i in ids[0] if 0 <= i < DESC_OFFSET]
            owner = dict(self.conn.execute(
                f"SELECT id, occupation_id FROM occupation_labels WHERE id IN "
                f"({','.join('?' * len(labels)) or 'NULL'})", labels).fetchall())
            for score, entry in zip(scores[0].tolist(), ids[0].tolist()):
                occ = entry - DESC_OFFSET if entry >= DESC_OFFSET else owner.get(entry)
                if occ is not None and score > best.get(occ, -2.0):
                    best[occ] = score
        rows = self.conn.execute(
            f"SELECT id, code, label FROM occupations WHERE id IN "
            f"({','.join('?' * len(best)) or 'NULL'})", list(best)).fetchall()
        out = {code: (best[oid], label) for oid, code, label in rows}
        # codes that postings use but no occupation index covered: their postings' centroid
        codes, titles, centroids = self._posting_centroids()
        if len(codes):
            for code, title, score in zip(codes, titles, (centroids @ vector).tolist()):
                if code not in out:
                    out[code] = (float(score), title)
        return out

    def _posting_centroids(self) -> tuple[list[str], list[str], np.ndarray]:
        """Per occupation code used by postings: its most common title and the unit mean
        of its postings' vectors (cached until the next import)."""
        if self._centroids is None:
            from .flows.catalog_view import posting_centroids

            self._centroids = posting_centroids(
                RecordStore(self.conn), self.workspace.index_dir("postings"),
                self.embedder.dimension)
        return self._centroids

    def _posting_titles(self, postings: list[dict[str, Any]]) -> None:
        codes = sorted({p["id"] for p in postings})
        if not codes:
            return
        rows = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            f"SELECT code, title, employer FROM postings WHERE code IN "
            f"({','.join('?' * len(codes))})", codes)}
        for p in postings:
            p["title"], p["employer"] = rows.get(p["id"], ("", ""))

    def train_model(self, name: str, config: Any = None,
                    progress: ProgressFn | None = None) -> dict[str, Any]:
        """Fine-tune the base model on the shared data; export it under ``models_dir``.
        Select it afterwards with ``SKILLMATCH_MODEL_NAME=<name>``."""
        from .training.train import TrainConfig, train_model

        return train_model(Path(self.settings.shared_data), Path(self.settings.models_dir),
                           name, config or TrainConfig(), progress)

    def interpolate_model(self, source: str, name: str, alphas: Any = None,
                          progress: ProgressFn | None = None, keep_torch: bool = False
                          ) -> dict[str, Any]:
        """Average the fine-tuned ``source``'s weights with the base model's, the weight
        chosen on dev data (see :mod:`skillmatch.training.interpolate`); export as ``name``."""
        from .training.interpolate import DEFAULT_ALPHAS, interpolate_model

        return interpolate_model(Path(self.settings.shared_data),
                                 Path(self.settings.models_dir), source, name,
                                 alphas or DEFAULT_ALPHAS, progress, keep_torch)

    def quantize_model(self, source: str, name: str, check: bool = True) -> dict[str, Any]:
        """An int8 copy of the exported model ``source`` as ``name``, kept only if it ranks
        SkillSkape dev within 0.5 RP@5 points of the original (``check``)."""
        from .embeddings.onnx_backend import OnnxEmbedder
        from .embeddings.quantize import quantize_model
        from .evaluation.skillskape import esco_split, nearest_label

        rank_check = None
        if check:
            skills, dev = esco_split(Path(self.settings.shared_data), "dev")

            def rank_check(folder: Path) -> dict[str, float]:
                embedder = OnnxEmbedder(folder, batch_size=self.settings.batch_size,
                                        threads=self.settings.threads)
                return nearest_label(embedder.embed, skills, dev)

        return quantize_model(Path(self.settings.models_dir), source, name, rank_check)

    def provenance(self, taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """The model and taxonomy versions behind results."""
        linker = self.linker_for(taxonomies)
        return {"model": linker.embedder_.model_id, "taxonomies": dict(linker.taxonomies_)}
