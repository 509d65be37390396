"""Taxonomy groups of a :class:`~.linker.SkillLinker`: selection, parts and views.

A linker fitted on several taxonomies only routes: each taxonomy is linked by a linker
of its own (its *part*, fitted on first use and kept), so that scores of different
taxonomies are never compared, and the results list one group per taxonomy in group
order (:func:`taxonomy_order`). A *view* groups some of the taxonomies and shares the
fitted parts. Threads share a linker: parts are fitted under :data:`_PARTS_LOCK`, once
each, and a read never changes the shared linker's settings.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..storage.taxonomy_store import TaxonomyStore

if TYPE_CHECKING:
    from .linker import SkillLinker

_PARTS_LOCK = threading.RLock()

TAXONOMY_KINDS = ("esco", "custom", "onet")  # group order by kind: the primary first


def taxonomy_order(store: TaxonomyStore, names: Sequence[str]) -> list[str]:
    """``names`` in group order: ESCO (the primary taxonomy, the one the ranker is
    fitted for), then custom taxonomies, then O*NET technologies; by name within a kind."""
    return group_order(names, {n: h[0] for n, h in store.versions().items()})


def group_order(names: Sequence[str], kinds: Mapping[str, str]) -> list[str]:
    def key(name: str) -> tuple[int, str]:
        kind = kinds.get(name, "custom")
        return (TAXONOMY_KINDS.index(kind) if kind in TAXONOMY_KINDS else 1, name)

    return sorted(names, key=key)


def selection(linker: SkillLinker, taxonomies: Sequence[str] | None = None) -> list[str]:
    """The taxonomies a call links against, in group order: the named ones, or all
    of the linker's, the primary first. A name it was not fitted on is an error."""
    if not taxonomies:
        return list(linker.order_)
    out: list[str] = []
    for name in taxonomies:
        if name not in linker.indexes_:
            raise InputError(f"unknown taxonomy {name!r} (linkable: "
                             f"{', '.join(linker.order_)})", field="taxonomy")
        if name not in out:
            out.append(name)
    return out


def part(linker: SkillLinker, name: str) -> SkillLinker:
    """The linker of one taxonomy alone (fitted on first use, then kept), with
    ``linker``'s current settings; ``linker`` itself when it has only that one."""
    if len(linker.names_) == 1:
        selection(linker, [name])
        return linker
    with _PARTS_LOCK:  # threads share this linker: one fit per part
        found = linker.parts_.get(name)
        if found is None:
            selection(linker, [name])
            found = copy.copy(linker)  # the settings, whatever __init__ takes
            found.fit(linker.store_, linker.embedder_, {name: linker.indexes_[name]},
                      directories=linker.directories_)
            linker.parts_[name] = found
        elif any(getattr(found, k) is not v for k, v in settings(linker).items()):
            # settings changed since (e.g. a ranker assigned): a new part follows them
            found = copy.copy(found)
            vars(found).update(settings(linker))
            linker.parts_[name] = found
        return found


def settings(linker: SkillLinker) -> dict[str, Any]:
    """The parameters of ``linker`` (what its constructor stored)."""
    return {k: v for k, v in vars(linker).items()
            if not k.startswith("_") and not k.endswith("_")}


def subset(linker: SkillLinker, taxonomies: Sequence[str] | None = None) -> SkillLinker:
    """``linker`` restricted to ``taxonomies`` (default: all of them): the part of one
    taxonomy, or a linker grouping several that shares the fitted parts."""
    names = selection(linker, taxonomies)
    if len(names) == 1:
        return part(linker, names[0])
    if names == linker.order_:
        return linker
    view = linker.views_.get(tuple(names))
    if view is None:
        view = copy.copy(linker)
        view.order_, view.names_ = names, sorted(names)
        view.indexes_ = {n: linker.indexes_[n] for n in names}
        view.skills_ = {i: s for i, s in linker.skills_.items() if s.taxonomy in names}
        view.taxonomies_ = {n: v for n, v in linker.taxonomies_.items() if n in names}
        view.views_ = {}
        linker.views_[tuple(names)] = view  # parts_ is shared: each taxonomy fitted once
    return view
