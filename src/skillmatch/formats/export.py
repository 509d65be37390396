"""A credential's skills in the field's standards: Open Badges 3.0 alignments and CTDL
competency alignments. Pure functions over the dicts the engine already gives.

The input is a credential's skills as ``SkillMatch.record("credential", id)`` and the
API's ``GET /v1/credentials/{id}`` give them (the record itself, or its ``skills``
list): each ``{"id", "label", "taxonomy", "score", "source", ...}``, the id being the
code as stored: an ESCO concept URI, an O*NET technology ``tech:<product>``, or a
custom taxonomy's own id. ``provenance`` is :func:`.provenance.provenance` or what the
engine gives (``{"model", "taxonomies": {name: version}}``): the taxonomy versions
name the framework versions.

Open Badges 3.0 (1EdTech, section B.1.2 ``Alignment``): ``targetName`` and
``targetUrl`` are required. ESCO's URL is the concept URI. O*NET publishes no page per
technology product, so an O*NET technology's ``targetUrl`` is O*NET OnLine's search for
the product's name (the occupations that use it; ``onet_url`` replaces the rule), and
its ``targetCode`` is the code as stored (``tech:Microsoft Excel``), which is what reads
back as the same declared skill. A custom skill whose code is not a URL gets a
``urn:skillmatch:`` URN, since it has no page either.

CTDL (Credential Engine): ``ceterms:teaches`` belongs to learning opportunities
(``ceterms:Course``, ``ceterms:LearningProgram``, ``ceterms:LearningOpportunityProfile``),
not to credentials; a credential states its competencies in a condition profile:
``ceterms:requires`` -> ``ceterms:ConditionProfile`` -> ``ceterms:targetCompetency``,
both ranging over ``ceterms:CredentialAlignmentObject``. :func:`ctdl_competencies`
picks the property by the credential's type.

Alignment reports and demand tables as JSON, CSV and Parquet: :mod:`.export_tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from ..errors import InputError
from .export_tables import (
    alignment_csv,
    alignment_json,
    alignment_rows,
    demand_csv,
    demand_rows,
    write_alignment_csv,
    write_demand_csv,
    write_demand_parquet,
)
from .provenance import provenance as full_provenance

ESCO_PREFIX = "http://data.europa.eu/esco/"
ESCO_FRAMEWORK = "http://data.europa.eu/esco/concept-scheme/skills"
ONET_PREFIX = "tech:"
ONET_FRAMEWORK = "https://www.onetcenter.org/database.html"
ONET_TECH_URL = "https://www.onetonline.org/find/quick?s={query}"
TARGET_TYPE = "ceasn:Competency"
LANGUAGE = "en"
TEACHING_TYPES = {"course": "ceterms:Course", "program": "ceterms:LearningProgram"}
"""Our credential types that are learning opportunities in CTDL (they ``teach``)."""

Skill = Mapping[str, Any]


def framework_of(skill: Skill) -> str:
    """``ESCO``, ``O*NET`` or the skill's taxonomy name, by its code first (a taxonomy
    loaded under another name is still ESCO when its codes are ESCO URIs)."""
    code = str(skill.get("id") or "")
    if code.startswith(ESCO_PREFIX):
        return "ESCO"
    if code.startswith(ONET_PREFIX):
        return "O*NET"
    return str(skill.get("taxonomy") or "custom")


def framework_name(skill: Skill, versions: Mapping[str, str]) -> str:
    """The framework with its version: ``ESCO v1.1.1``, ``O*NET 29.2``, ``district 2024``
    (the bare name when the version is unknown)."""
    name = framework_of(skill)
    version = str(versions.get(str(skill.get("taxonomy") or ""), "") or "")
    if not version or version == "unknown":
        return name
    if name == "ESCO" and version[:1].isdigit():
        version = "v" + version
    return f"{name} {version}"


def _is_url(code: str) -> bool:
    return code.startswith(("http://", "https://"))


def target_url(skill: Skill, onet_url: Callable[[str], str] | None = None) -> str:
    """The URL an alignment points at (see the module's docstring for O*NET)."""
    code = str(skill["id"])
    if _is_url(code):
        return code
    if code.startswith(ONET_PREFIX):
        name = code[len(ONET_PREFIX):]
        return onet_url(name) if onet_url else ONET_TECH_URL.format(query=quote(name))
    return f"urn:skillmatch:{quote(str(skill.get('taxonomy') or 'custom'), safe='')}:" \
           f"{quote(code, safe='')}"


def skills_of(credential: Mapping[str, Any] | Iterable[Skill], min_score: float = 0.0
              ) -> list[Skill]:
    """The skills of a record (``{"skills": [...]}``) or a list of skills, each once (the
    first mention of a code), those scored below ``min_score`` left out (declared
    skills always kept)."""
    items = credential.get("skills") if isinstance(credential, Mapping) else credential
    if items is None or isinstance(items, str | bytes):
        raise InputError("expected a credential with skills or a list of skills",
                         field="skills")
    out: dict[str, Skill] = {}
    for n, skill in enumerate(items):
        if not isinstance(skill, Mapping) or not skill.get("id") or not skill.get("label"):
            raise InputError(f"skill {n} has no id or label (expected {{'id', 'label', "
                             "'taxonomy', ...}} as a credential's skills are read)",
                             field=f"skills[{n}]")
        declared = skill.get("source") == "declared"
        if not declared and float(skill.get("score") or 0.0) < min_score:
            continue
        out.setdefault(str(skill["id"]), skill)
    return list(out.values())


def _description(skill: Skill, descriptions: Mapping[str, str] | None) -> str:
    return str((descriptions or {}).get(str(skill["id"])) or skill.get("description") or "")


def ob3_alignments(
    credential: Mapping[str, Any] | Iterable[Skill],
    provenance: Mapping[str, Any] | None = None,
    *,
    descriptions: Mapping[str, str] | None = None,
    min_score: float = 0.0,
    onet_url: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """The credential's skills as Open Badges 3.0 ``Alignment`` objects, ready to paste
    into an Achievement's ``alignment`` list (``descriptions``: code -> description,
    for ``targetDescription``, e.g. from the taxonomy store)."""
    versions = (provenance or {}).get("taxonomies") or {}
    out = []
    for skill in skills_of(credential, min_score):
        entry: dict[str, Any] = {
            "type": ["Alignment"],
            "targetType": TARGET_TYPE,
            "targetFramework": framework_name(skill, versions),
            "targetCode": str(skill["id"]),
            "targetName": str(skill["label"]),
            "targetUrl": target_url(skill, onet_url),
        }
        if description := _description(skill, descriptions):
            entry["targetDescription"] = description
        out.append(entry)
    return out


def add_to_achievement(achievement: Mapping[str, Any], alignments: Iterable[Mapping[str, Any]]
                       ) -> dict[str, Any]:
    """A copy of an OB3 Achievement with ``alignments`` added to its ``alignment`` list
    (an entry whose targetCode or targetUrl it already has is not repeated)."""
    out = dict(achievement)
    present = out.get("alignment") or []
    if isinstance(present, Mapping):  # a single value where a list is allowed
        present = [present]
    merged = list(present)
    seen = {(a.get("targetCode"), a.get("targetUrl")) for a in merged if isinstance(a, Mapping)}
    seen_any = {v for pair in seen for v in pair if v}
    for entry in alignments:
        if entry.get("targetCode") in seen_any or entry.get("targetUrl") in seen_any:
            continue
        merged.append(dict(entry))
        seen_any.update(v for v in (entry.get("targetCode"), entry.get("targetUrl")) if v)
    out["alignment"] = merged
    return out


def ob3_codes(alignments: Iterable[Mapping[str, Any]]) -> list[str]:
    """The skill codes that alignments written by :func:`ob3_alignments` declare, in
    order: ``targetCode`` when it is an ESCO URI or an O*NET ``tech:`` code, else an
    ESCO ``targetUrl``; other alignments (another framework) are not declared skills."""
    out: list[str] = []
    for entry in alignments:
        code = str(entry.get("targetCode") or "")
        url = str(entry.get("targetUrl") or "")
        found = (code if code.startswith((ESCO_PREFIX, ONET_PREFIX))
                 else url if url.startswith(ESCO_PREFIX) else "")
        if found and found not in out:
            out.append(found)
    return out


def ctdl_alignments(
    credential: Mapping[str, Any] | Iterable[Skill],
    provenance: Mapping[str, Any] | None = None,
    *,
    descriptions: Mapping[str, str] | None = None,
    min_score: float = 0.0,
) -> list[dict[str, Any]]:
    """The credential's skills as CTDL ``ceterms:CredentialAlignmentObject`` entries:
    ``targetNode`` (the concept URI, where the skill has one), ``targetNodeName``,
    ``targetNodeDescription``, ``framework`` and ``frameworkName``, ``codedNotation``
    (the code as stored, where it is not a URI: O*NET's ``tech:...``) and
    ``alignmentDate`` (the provenance date)."""
    prov = provenance or {}
    versions = prov.get("taxonomies") or {}
    date = str(prov.get("date") or "")[:10]
    out = []
    for skill in skills_of(credential, min_score):
        code = str(skill["id"])
        framework = framework_of(skill)
        entry: dict[str, Any] = {"@type": "ceterms:CredentialAlignmentObject"}
        if _is_url(code):
            entry["ceterms:targetNode"] = code
        else:
            entry["ceterms:codedNotation"] = code
        entry["ceterms:targetNodeName"] = {LANGUAGE: str(skill["label"])}
        if description := _description(skill, descriptions):
            entry["ceterms:targetNodeDescription"] = {LANGUAGE: description}
        if framework == "ESCO":
            entry["ceterms:framework"] = ESCO_FRAMEWORK
        elif framework == "O*NET":
            entry["ceterms:framework"] = ONET_FRAMEWORK
        entry["ceterms:frameworkName"] = {LANGUAGE: framework_name(skill, versions)}
        if date:
            entry["ceterms:alignmentDate"] = date
        out.append(entry)
    return out


def ctdl_competencies(credential_type: str, alignments: list[dict[str, Any]],
                      description: str = "") -> dict[str, Any]:
    """The CTDL properties that state what a credential of ``credential_type`` teaches:
    ``{"ceterms:teaches": [...]}`` for a course or program (a CTDL learning
    opportunity), else ``{"ceterms:requires": [ConditionProfile with
    ceterms:targetCompetency]}`` (a CTDL credential). Merge the result into the
    resource's JSON-LD."""
    if (credential_type or "").lower() in TEACHING_TYPES:
        return {"ceterms:teaches": alignments}
    profile: dict[str, Any] = {
        "@type": "ceterms:ConditionProfile",
        "ceterms:description": {LANGUAGE: description or (
            "Competencies a person demonstrates to earn this credential.")},
        "ceterms:targetCompetency": alignments,
    }
    return {"ceterms:requires": [profile]}


__all__ = [
    "add_to_achievement", "alignment_csv", "alignment_json", "alignment_rows",
    "ctdl_alignments", "ctdl_competencies", "demand_csv", "demand_rows", "framework_name",
    "framework_of", "full_provenance", "ob3_alignments", "ob3_codes", "skills_of",
    "target_url", "write_alignment_csv", "write_demand_csv", "write_demand_parquet",
]
