"""The skill linker: fitted once over every indexed taxonomy, selected per call.

:attr:`LinkingService.full_linker` is fitted on first use (with the calibrated ranker
and document model fitted for the active model, when there are any) and refitted after
a taxonomy import or an index build; :meth:`LinkingService.linker_for` selects the
taxonomies a call asks for. Declared skills (ids, labels, free text) resolve against the
same linker, and so does the learned occupation matcher behind ``align``'s "prepares
for", both kept until the linker changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ArtifactError, InputError
from ..linking.linker import SkillLinker
from ..linking.ranker import RankerModel
from ..progress import ProgressFn
from ..records import LinkResult
from .context import Context
from .taxonomies import TaxonomyService

if TYPE_CHECKING:
    from ..catalog.pipeline import DeclaredSkills
    from ..flows.occupation_match import OccupationMatcher

log = logging.getLogger(__name__)


class LinkingService:
    """The linker, its ranker and document model, declared skills, the matcher."""

    def __init__(self, ctx: Context, taxonomies: TaxonomyService) -> None:
        self._ctx = ctx
        self._taxonomies = taxonomies
        self._linker: SkillLinker | None = None
        self._fitted_at = -1  # the taxonomies' generation the linker was fitted at
        self._declared_by: dict[int, DeclaredSkills] = {}
        self._matcher: OccupationMatcher | None = None
        self._ranker: RankerModel | None = None
        self._ranker_read = False
        self._document: RankerModel | None = None
        self._document_read = False
        # one fit at a time; a fitted linker is never changed, only replaced whole
        self._lock = threading.RLock()

    def reset(self) -> None:
        """Forget the fitted linker (the next use refits it)."""
        with self._lock:
            self._linker = None

    @property
    def full_linker(self) -> SkillLinker:
        """The linker over every indexed taxonomy (what :meth:`linker_for` selects from);
        refitted, by one thread while the others wait, when the change log shows a
        taxonomy, crosswalk or index change from any process."""
        generation = self._taxonomies.generation
        linker = self._linker
        if linker is not None and self._fitted_at == generation:
            return linker
        with self._lock:
            if self._linker is None or self._fitted_at != generation:
                from ..linking.profiles import make_linker

                self._declared_by = {}
                self._linker = make_linker(
                    self._ctx.settings, ranker=self.ranker,
                    document_model=self.document_model,
                ).fit(self._ctx.taxonomies, self._ctx.embedder,
                      self._taxonomies.skill_indexes(),
                      directories=self._ctx.workspace.indexes_dir)
                self._fitted_at = generation
            return self._linker

    @property
    def linker(self) -> SkillLinker:
        """The linker of the default selection: the setting ``taxonomies``, else every
        loaded taxonomy with an index (one group per taxonomy, see :meth:`linker_for`)."""
        return self.linker_for(None)

    def linker_for(self, taxonomies: Sequence[str] | None = None) -> SkillLinker:
        """The linker of ``taxonomies`` (default: the setting ``taxonomies``, else all
        indexed ones). Several taxonomies are linked and ranked each on its own and
        returned group after group (:meth:`SkillLinker.rank`); each is fitted once."""
        names = self._taxonomies.selection(taxonomies)
        full = self.full_linker
        for name in names or ():
            if name not in full.indexes_:
                raise ArtifactError(f"taxonomy {name!r} has no skill index; run "
                                    f"`skillmatch index build --taxonomy {name}`")
        return full.subset(names)

    @property
    def ranker(self) -> RankerModel | None:
        """The calibrated ranker fitted for the active model, if any (and wanted); read
        once (it depends only on the settings and the model's files)."""
        if not self._ranker_read:
            self._ranker_read = True
            self._ranker = self._read_ranker()
        return self._ranker

    @property
    def document_model(self) -> RankerModel | None:
        """The document keep-or-drop model fitted for the active model, if any: read
        once, like :attr:`ranker`."""
        if not self._document_read:
            from ..linking.document import DOC_FEATURES

            self._document_read = True
            self._document = self._read_ranker("document.json", DOC_FEATURES)
        return self._document

    def _read_ranker(self, filename: str = "ranker.json",
                     known: tuple[str, ...] | None = None) -> RankerModel | None:
        s = self._ctx.settings
        if s.link_ranker == "off" or s.embedder != "onnx":
            return None
        model = RankerModel.load(Path(s.models_dir) / s.model_name, filename,
                                 *(() if known is None else (known,)))
        model_id = self._ctx.embedder.model_id
        if model is not None and model.meta.get("model") != model_id:
            log.warning("%s in %s was fitted for %s, not %s: not used (refit it: "
                        "skillmatch models fit-ranker / fit-document)", filename,
                        s.model_name, model.meta.get("model"), model_id)
            return None
        return model

    def declared_for(self, taxonomies: Sequence[str] | None) -> DeclaredSkills:
        """Resolves declared skills (ids, labels, free text) against the skills of
        ``taxonomies`` (see :meth:`linker_for`); rebuilt with the linker."""
        from ..catalog.pipeline import DeclaredSkills

        linker = self.linker_for(taxonomies)
        found = self._declared_by.get(id(linker))
        if found is None or found.linker is not linker:
            with self._lock:
                found = self._declared_by.get(id(linker))
                if found is None or found.linker is not linker:
                    found = DeclaredSkills(self._ctx.taxonomies, linker)
                    self._declared_by[id(linker)] = found
        return found

    def link(self, texts: Sequence[str], *, top_k: int | None = None,
             threshold: float | None = None, taxonomies: Sequence[str] = ()
             ) -> list[LinkResult]:
        """Link skills in each text: thresholded, or the ``top_k`` best when given; against
        ``taxonomies`` (default: the setting, else all), one group per taxonomy."""
        linker = self.linker_for(taxonomies)
        if top_k is not None:
            if top_k < 1:
                raise InputError(f"top_k must be at least 1, got {top_k}", field="top_k")
            return linker.rank(texts, top_k)
        return linker.link(texts, threshold)

    def provenance(self, taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """The model and taxonomy versions behind results."""
        linker = self.linker_for(taxonomies)
        return {"model": linker.embedder_.model_id, "taxonomies": dict(linker.taxonomies_)}

    def matcher(self, progress: ProgressFn | None = None) -> OccupationMatcher | str:
        """The learned occupation matcher over the default linker (kept until the linker
        changes), or why there is none (tried again on the next call)."""
        from ..flows.occupation_match import load_matcher
        from ..matching.cache import DIRNAME
        from ..matching.profile_cache import DIRNAME as PROFILES_DIR

        linker = self.linker
        matcher = self._matcher
        if matcher is not None and matcher.linker is linker:
            return matcher
        with self._lock:  # one load at a time; readers of the old matcher keep it
            if self._matcher is None or self._matcher.linker is not linker:
                ctx = self._ctx
                found = load_matcher(ctx.conn, ctx.embedder,
                                     ctx.workspace.derived_dir(DIRNAME), linker,
                                     progress=progress,
                                     profiles_dir=ctx.workspace.derived_dir(PROFILES_DIR))
                if isinstance(found, str):
                    return found
                self._matcher = found
            return self._matcher
