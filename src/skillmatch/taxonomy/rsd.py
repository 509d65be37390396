"""Rich Skill Descriptors (Open Skills Network; OSMT's JSON) as a custom taxonomy.

Accepted shapes: one RSD (``{"type": "RichSkillDescriptor", "skillName": ...}``), an
OSMT collection (``{"type": "RichSkillCollection", "name": ..., "skills": [...]}``), a
JSON array of RSDs, or JSON Lines (one RSD per line). OSMT's API v3 and v2 shapes are
both read: ``categories`` and ``authors`` as lists (v3), or ``category`` and
``author`` as ``;``-separated text (v2).

Mapping to a :class:`SkillRecord`:

- code: the RSD's ``id`` (its URL), else its ``uuid``; label: ``skillName`` (required);
  description: ``skillStatement``.
- alt labels: ``keywords``, except the skill's own name, an author's name, a category
  (OSMT exports often repeat these among the keywords) and identifier-like tags such
  as ``WGUSID: 1619``: a linker would read each of those as the skill in any text that
  names the author, the category or the code. All keywords stay in meta.
- meta: ``categories``, ``occupations`` (each ``{code, name, framework}``, e.g. BLS
  ``15-1244`` or O*NET-SOC ``15-1244.00``), ``alignments`` (each ``{id, name,
  framework}``), ``authors``, ``status``, ``uuid``, ``id``, ``keywords``, the skill's
  ``collections``, its other OSMT fields as given (``standards``, ``certifications``,
  ``employers``, dates, ``creator``), and, as :mod:`.custom` keeps them, the
  cross-references ``esco_uri`` (the first alignment to an ESCO concept) and
  ``onet_code`` (the first alignment to O*NET: a ``tech:`` code, an O*NET-SOC code or
  an O*NET URL). Every collection named (the file's own and each skill's
  ``collections``) becomes a taxonomy collection.

The bundle's kind is ``custom`` (``meta["format"] == "rsd"``); its version, unless
given, is the latest date the skills were updated or published. Bad input raises
:class:`InputError` naming the file, the record (``skills[3]``, ``line 5``) and the field.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import SkillRecord, TaxonomyBundle
from .sources import decode

log = logging.getLogger(__name__)

EXPECTED = ("Rich Skill Descriptor JSON: one RSD with skillName, an OSMT collection with "
            "skills, a JSON array of RSDs, or JSON Lines")
ESCO_PREFIX = "http://data.europa.eu/esco/"
_ESCO_HTTPS = "https://data.europa.eu/esco/"
_ONET_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_IDENTIFIER_TAG = re.compile(r"^[A-Z][A-Z0-9_.-]*\s*[:#]\s*\d[\w.-]*$")  # "WGUSID: 1619.1"
MAPPED = frozenset({
    "@context", "type", "id", "uuid", "skillName", "skillStatement", "keywords", "categories",
    "category", "alignments", "occupations", "authors", "author", "status", "collections"})


def read_rsd(path: str | Path, name: str = "rsd", version: str | None = None) -> TaxonomyBundle:
    """The skills of an RSD file (any shape above) as a custom taxonomy."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(f"no such file (expected {EXPECTED})", path=path)
    text = decode(path.read_bytes(), where)
    bundle = TaxonomyBundle(name=name, kind="custom", version="", source=where,
                            meta={"format": "rsd"})
    seen: dict[str, str] = {}
    dates: list[str] = []
    for at, item, collection in _records(text, where, bundle):
        skill = _skill(item, where, at)
        first = seen.setdefault(skill.code, at)
        if first != at:
            raise InputError(f"{at}: duplicate skill id {skill.code!r} (first at {first}); "
                             "expected each skill once", path=where, field="id")
        bundle.skills.append(skill)
        for named in [collection, *skill.meta.get("collections", [])]:
            if named:
                bundle.collections.setdefault(named, []).append(skill.code)
        dates += [str(item[k])[:10] for k in ("updateDate", "publishDate", "creationDate")
                  if isinstance(item.get(k), str) and item.get(k)]
    if not bundle.skills:
        raise InputError(f"no skills in the file (expected {EXPECTED}, at least one)",
                         path=where)
    for codes in bundle.collections.values():
        codes[:] = list(dict.fromkeys(codes))
    bundle.version = version or (max(dates) if dates else "unknown")
    drafts = sum(1 for s in bundle.skills if s.meta.get("status") not in ("", "published"))
    log.info("read %d RSDs from %s (%d not published)", len(bundle.skills), where, drafts)
    return bundle


# ------------------------------------------------------------------------ shapes
def _load(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise InputError(f"JSON nested too deeply to read (expected {EXPECTED})",
                         path=where) from exc
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return _JsonLines()
        raise InputError(f"invalid JSON ({exc.msg}; expected {EXPECTED})", path=where,
                         line=exc.lineno, column=exc.colno) from exc


class _JsonLines:
    """Marker: the text is several JSON values, read line by line."""


def _records(text: str, where: str, bundle: TaxonomyBundle
             ) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Each RSD object of the file with where it is (``skills[3]``, ``line 5``) and the
    collection it came in (``""``: none)."""
    if not text.strip():
        raise InputError(f"file is empty (expected {EXPECTED})", path=where)
    doc = _load(text, where)
    if isinstance(doc, _JsonLines):
        for at, item in _lines(text, where):
            yield at, item, ""
    elif isinstance(doc, list):
        for n, item in enumerate(doc):
            yield f"[{n}]", _object(item, where, f"[{n}]"), ""
    elif isinstance(doc, dict) and "skills" in doc and "skillName" not in doc:
        skills = doc["skills"]
        if not isinstance(skills, list):
            raise InputError(f"skills is a {type(skills).__name__} (expected a list of RSDs)",
                             path=where, field="skills")
        name = _collection(doc, where, bundle)
        for n, item in enumerate(skills):
            yield f"skills[{n}]", _object(item, where, f"skills[{n}]"), name
    elif isinstance(doc, dict):
        yield "the RSD", _object(doc, where, "the RSD"), ""
    else:
        raise InputError(f"the file holds a JSON {type(doc).__name__} (expected {EXPECTED})",
                         path=where)


def _lines(text: str, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except RecursionError as exc:
            raise InputError("JSON nested too deeply to read", path=where,
                             line=number) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg}; expected one RSD object per line)",
                             path=where, line=number, column=exc.colno) from exc
        yield f"line {number}", _object(item, where, f"line {number}")


def _collection(doc: dict[str, Any], where: str, bundle: TaxonomyBundle) -> str:
    """The collection's name (``""``: none given); its other fields go in the bundle's
    meta."""
    name = doc.get("name")
    if name is not None and not isinstance(name, str):
        raise InputError(f"the collection's name is a {type(name).__name__} (expected text)",
                         path=where, field="name")
    bundle.meta["collection"] = {k: doc[k] for k in doc if k != "skills"}
    return (name or "").strip()


def _object(item: Any, where: str, at: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"{at} is a JSON {type(item).__name__} (expected an RSD object with "
                         "skillName)", path=where)
    if "skillName" not in item:
        keys = ", ".join(sorted(item)[:10]) or "none"
        raise InputError(f"{at} has no skillName (expected an RSD; found keys: {keys})",
                         path=where, field="skillName")
    return item


# ------------------------------------------------------------------------ fields
def _text(item: dict[str, Any], key: str, where: str, at: str, required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{at}: {key} is a {type(value).__name__} (expected text)",
                         path=where, field=key)
    value = " ".join(str(value).split())
    if required and not value:
        raise InputError(f"{at}: {key} is empty (expected text)", path=where, field=key)
    return value


def _strings(item: dict[str, Any], key: str, where: str, at: str, sep: str | None = None
             ) -> list[str]:
    """A list of text (a single text allowed; ``sep`` splits it, OSMT v2's ``;``)."""
    value = item.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(sep) if sep else [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float)
                                              and not isinstance(v, bool) for v in value):
        raise InputError(f"{at}: {key} must be a list of text", path=where, field=key)
    out: list[str] = []
    for v in value:
        v = " ".join(str(v).split())
        if v and v not in out:
            out.append(v)
    return out


def _entries(item: dict[str, Any], key: str, where: str, at: str) -> list[Any]:
    value = item.get(key)
    if value is None:
        return []
    if isinstance(value, dict | str):
        return [value]  # a single value where a list is allowed
    if not isinstance(value, list):
        raise InputError(f"{at}: {key} is a {type(value).__name__} (expected a list)",
                         path=where, field=key)
    return value


def _framework(entry: dict[str, Any]) -> str:
    value = entry.get("isPartOf") or entry.get("frameworkName") or entry.get("framework")
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("frameworkName") or value.get("id")
    return " ".join(str(value or "").split())


def _alignments(item: dict[str, Any], where: str, at: str) -> list[dict[str, str]]:
    out = []
    for n, entry in enumerate(_entries(item, "alignments", where, at)):
        if isinstance(entry, str):
            entry = {"id": entry} if entry.startswith(("http", "tech:")) else {"skillName": entry}
        if not isinstance(entry, dict):
            raise InputError(f"{at}: alignments[{n}] is a {type(entry).__name__} (expected "
                             "{id, skillName, isPartOf})", path=where, field="alignments")
        code = " ".join(str(entry.get("id") or entry.get("targetCode") or "").split())
        if code.startswith(_ESCO_HTTPS):
            code = ESCO_PREFIX + code[len(_ESCO_HTTPS):]  # ESCO's URIs are http
        name = entry.get("skillName") or entry.get("name") or entry.get("targetName") or ""
        out.append({"id": code, "name": " ".join(str(name).split()),
                    "framework": _framework(entry)})
    return out


def _occupations(item: dict[str, Any], where: str, at: str) -> list[dict[str, Any]]:
    out = []
    for n, entry in enumerate(_entries(item, "occupations", where, at)):
        if isinstance(entry, str | int | float) and not isinstance(entry, bool):
            entry = {"code": entry}
        if not isinstance(entry, dict) or entry.get("code") in (None, ""):
            raise InputError(f"{at}: occupations[{n}] has no code (expected {{code, "
                             "targetNodeName, frameworkName}})", path=where, field="occupations")
        occ: dict[str, Any] = {
            "code": str(entry["code"]).strip(),
            "name": " ".join(str(entry.get("targetNodeName") or entry.get("name")
                                 or entry.get("title") or "").split()),
            "framework": str(entry.get("frameworkName") or entry.get("framework") or ""),
        }
        parents = entry.get("parents")
        if isinstance(parents, list):
            occ["parents"] = [str(p.get("code")) for p in parents
                              if isinstance(p, dict) and p.get("code")]
        out.append(occ)
    return out


def _is_onet(alignment: dict[str, str]) -> bool:
    code, framework = alignment["id"], alignment["framework"].lower().replace("*", "")
    return (code.startswith("tech:") or "onetcenter.org" in code or "onetonline.org" in code
            or bool(_ONET_SOC.match(code)) or framework.startswith("onet"))


def _skill(item: dict[str, Any], where: str, at: str) -> SkillRecord:
    label = _text(item, "skillName", where, at, required=True)
    code = _text(item, "id", where, at) or _text(item, "uuid", where, at)
    if not code:
        raise InputError(f"{at} ({label!r}) has no id or uuid (expected the RSD's URL or "
                         "uuid)", path=where, field="id")
    keywords = _strings(item, "keywords", where, at)
    authors = _strings(item, "authors", where, at) or _strings(item, "author", where, at, ";")
    categories = (_strings(item, "categories", where, at)
                  or _strings(item, "category", where, at, ";"))
    alignments = _alignments(item, where, at)
    skip = {k.casefold() for k in (label, *authors, *categories)}
    meta: dict[str, Any] = {
        "id": _text(item, "id", where, at), "uuid": _text(item, "uuid", where, at),
        "status": _text(item, "status", where, at), "categories": categories,
        "keywords": keywords, "authors": authors, "alignments": alignments,
        "occupations": _occupations(item, where, at),
        "collections": _collection_names(item, where, at),
    }
    esco = next((a["id"] for a in alignments if a["id"].startswith(ESCO_PREFIX)), "")
    onet = next((a["id"] for a in alignments if a["id"] and _is_onet(a)), "")
    meta.update({k: v for k, v in (("esco_uri", esco), ("onet_code", onet)) if v})
    meta.update({k: v for k, v in item.items() if k not in MAPPED})
    return SkillRecord(
        code=code, label=label, description=_text(item, "skillStatement", where, at),
        alt_labels=[k for k in keywords
                    if k.casefold() not in skip and not _IDENTIFIER_TAG.match(k)],
        meta=meta,
    )


def _collection_names(item: dict[str, Any], where: str, at: str) -> list[str]:
    out = []
    for entry in _entries(item, "collections", where, at):
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip() and name.strip() not in out:
            out.append(name.strip())
    return out
