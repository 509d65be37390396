"""One expanded schema.org ``JobPosting`` (with JDX JobSchema+ terms) as a Posting.

Field by field (property local names; JDX's are in ``http://purl.org/jdx/terms/``):

- ``title`` (else ``name``, else JDX ``normalizedTitle``) -> title; required.
- ``description`` (else ``jobDescription``, as public feeds write it): HTML made text
  (:mod:`.html_text`); equal-opportunity lines and benefits sections moved to
  ``meta["equal_opportunity"]`` and ``meta["benefits_text"]``. Then
  ``responsibilities``, ``qualifications``, ``educationRequirements`` and
  ``experienceRequirements`` (text, lists of sentences,
  ``EducationalOccupationalCredential``, ``OccupationalExperienceRequirements``) are
  appended as labelled sections (``Responsibilities:`` and a line per item) so the
  linker reads them.
- ``hiringOrganization``: a name, or an Organization (``name``, ``legalName``, JDX
  ``organizationName``), or a reference to one in the document -> employer.
- ``jobLocation`` (one Place or many; ``address`` a PostalAddress or text) -> region
  ``<STATE>-<City>`` (``VA-Norfolk``) or the state alone; every location's region in
  ``meta["regions"]``. No location: ``applicantLocationRequirements`` (a state) gives it.
- ``datePosted`` -> date_posted (ISO date); ``totalJobOpenings`` / ``numberOfOpenings``
  (numbers given as strings too) -> openings.
- ``occupationalCategory`` (text, list, ``CategoryCode`` / JDX term with ``codeValue`` or
  ``termCode``, "15-1252.00 Software Developers") -> occupation_code, the first O*NET-SOC
  (or SOC) code; the rest in ``meta["other_occupation_codes"]``.
- ``skills`` (DefinedTerm or text) and JDX competencies (``competency``,
  ``requiredCompetency``, ``preferredCompetency``; a competency's ``requirementLevel``)
  -> declared skills (ESCO URIs as codes, the rest as phrases); which were required and
  preferred in ``meta``.
- ``validThrough``, ``employmentType``, ``baseSalary``, ``normalizedTitle``,
  ``jobBenefits``, ``employerOverview``, ``incentiveCompensation`` and every property
  not mapped -> ``meta`` (never the linked text).
- id: ``identifier`` (PropertyValue ``value`` or text), else the node's ``@id``, else
  ``url``, else a hash of title, employer and date (``meta["id_from"]`` says which).
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date
from typing import Any

from ..catalog.models import Posting
from ..linking.sections import classify_lines
from .base import RecordFieldError
from .html_text import HtmlError, html_to_text
from .jobposting_nodes import Graph, local_name, node_id, pick_language, plain, type_names
from .jobposting_regions import posting_region

_SOC = re.compile(r"(?<![\d.-])(\d{2}-\d{4})(\.\d{2})?(?![\d-])")
_ESCO = re.compile(r"^https?://data\.europa\.eu/esco/(?:skill|knowledge)/[\w-]+$")
_EEO = re.compile(
    r"equal (?:employment )?opportunit|affirmative action|\bEEO\b|\bEOE\b|without regard to|"
    r"discriminat|regardless of (?:race|age|sex|gender|religion|color)|national origin|"
    r"protected (?:veteran|class|status)|veteran status|sexual orientation|gender identity|"
    r"genetic information|title ix|reasonable accommodations?|"
    r"(?:celebrates?|values?|committed to|embraces?) diversity", re.I)
_SPLIT_SKILLS = re.compile(r"\s*(?:[;\n•·]|\s-\s)\s*")

MAPPED = frozenset({
    "title", "name", "description", "jobDescription", "hiringOrganization", "jobLocation",
    "datePosted", "validThrough", "employmentType", "baseSalary", "totalJobOpenings",
    "numberOfOpenings", "occupationalCategory", "normalizedTitle", "skills", "qualifications",
    "educationRequirements", "experienceRequirements", "responsibilities", "competency",
    "competencies", "requiredCompetency", "preferredCompetency", "requiredCompetencies",
    "preferredCompetencies", "jobBenefits", "employerOverview", "incentiveCompensation",
    "identifier", "url", "applicantLocationRequirements", "jobLocationType",
})
_META_AS_IS = {"validThrough": "valid_through", "employmentType": "employment_type",
               "baseSalary": "base_salary", "jobBenefits": "job_benefits",
               "employerOverview": "employer_overview",
               "incentiveCompensation": "incentive_compensation",
               "jobLocationType": "job_location_type"}
SECTIONS = (("responsibilities", "Responsibilities"), ("qualifications", "Qualifications"),
            ("educationRequirements", "Education requirements"),
            ("experienceRequirements", "Experience requirements"))




def _html(text: str, field: str) -> str:
    """:func:`html_to_text`, its error naming ``field``."""
    try:
        return html_to_text(text)
    except HtmlError as exc:
        raise RecordFieldError(field, str(exc)) from None


def to_posting(node: dict[str, Any], graph: Graph, meta: dict[str, Any]) -> Posting:
    """The Posting one JobPosting node states. ``meta`` starts with the source; raises
    :class:`~.base.RecordFieldError` naming the field when the posting cannot be read."""
    title, other_titles = graph.text(node, "title", "name", "normalizedTitle")
    if not title:
        raise RecordFieldError("title", "required value is missing or empty (expected the job's "
                                  "title in title or name)")
    translations = {"title": other_titles} if other_titles else {}
    employer = _employer(node, graph, meta)
    description = _description(node, graph, meta, translations)
    skills = _skills(node, graph, meta)
    region = posting_region(node, graph, meta)
    posted = _date(node, graph, "datePosted")
    code = _occupation(node, graph, meta)
    openings = _openings(node, graph)
    for name, key in _META_AS_IS.items():
        values = graph.values(node, name)
        if values:
            meta[key] = plain(values, graph)
    normalized, _ = graph.text(node, "normalizedTitle")
    if normalized:
        meta["normalized_title"] = normalized
    url, _ = graph.text(node, "url")
    if url:
        meta["url"] = url
    if graph.values(node, "title") and graph.values(node, "name"):
        meta["name"] = plain(graph.values(node, "name"), graph)
    if translations:
        meta["translations"] = translations
    unmapped = {local_name(k): plain(v, graph) for k, v in node.items()
                if not k.startswith("@") and local_name(k) not in MAPPED}
    if unmapped:
        meta["unmapped"] = unmapped
    record_id = _record_id(node, graph, meta, title, employer, posted)
    return Posting(id=record_id, title=title, employer=employer, description=description,
                   region=region, date_posted=posted, openings=openings,
                   occupation_code=code, skills=skills, meta=meta)


def _employer(node: dict[str, Any], graph: Graph, meta: dict[str, Any]) -> str:
    for value in graph.values(node, "hiringOrganization"):
        org = graph.node_of(value)
        if org is None:
            found = graph.texts([value])
            if not found:
                continue
            if found[0][0].startswith(("http://", "https://", "_:")):
                meta["hiring_organization_id"] = found[0][0]  # a reference to nothing here
                continue
            return pick_language(found)[0]
        name, _ = graph.text(org, "name", "legalName", "organizationName")
        overview, _ = graph.text(org, "employerOverview")
        if overview:
            meta["employer_overview"] = overview
        if node_id(org):
            meta["hiring_organization_id"] = node_id(org)
        if name:
            return name
    return ""


def _description(node: dict[str, Any], graph: Graph, meta: dict[str, Any],
                 translations: dict[str, dict[str, str]]) -> str:
    raw, others = graph.text(node, "description", "jobDescription")
    field = "description" if graph.values(node, "description") else "jobDescription"
    if others:
        translations["description"] = {k: _html(v, field) for k, v in others.items()}
    if field == "description" and graph.values(node, "jobDescription"):
        meta["job_description"] = _html(graph.text(node, "jobDescription")[0], "jobDescription")
    text, eeo, benefits = split_boilerplate(_html(raw, field))
    if eeo:
        meta["equal_opportunity"] = eeo
    if benefits:
        meta["benefits_text"] = benefits
    parts = [text] if text else []
    for name, label in SECTIONS:
        lines = _section_lines(node, graph, name, meta)
        if lines:
            parts.append(f"{label}:\n" + "\n".join(f"- {line}" for line in lines))
    return "\n\n".join(parts)


def split_boilerplate(text: str) -> tuple[str, list[str], list[str]]:
    """``text`` without its equal-opportunity and benefits lines, then those lines.

    A line goes when it states equal opportunity (:data:`_EEO`) or when
    :func:`skillmatch.linking.sections.classify_lines` places it in a legal or benefits
    section (under an "Equal Opportunity" or "Benefits" heading, the heading too)."""
    kinds = {start: kind for start, _, kind in classify_lines(text)} if text else {}
    kept: list[str] = []
    eeo: list[str] = []
    benefits: list[str] = []
    pos = 0
    for line in text.split("\n"):
        kind = kinds.get(pos, "")
        pos += len(line) + 1
        if kind == "legal" or _EEO.search(line):
            eeo.append(line.strip())
        elif kind == "benefits":
            benefits.append(line.strip())
        else:
            kept.append(line)
    return "\n".join(kept).strip(), [x for x in eeo if x], [x for x in benefits if x]


def _section_lines(node: dict[str, Any], graph: Graph, name: str,
                   meta: dict[str, Any]) -> list[str]:
    """One line per statement of a requirement or responsibility property."""
    lines: list[str] = []
    structured = []
    for value in graph.values(node, name):
        sub = graph.node_of(value)
        if sub is None:
            found = graph.texts([value])
            if found:
                text = _html(pick_language(found)[0], name)
                lines.extend(ln for ln in (s.strip(" -•*") for s in text.split("\n")) if ln)
            continue
        structured.append(plain(sub, graph))
        lines.extend(_requirement_lines(sub, graph))
    if structured:
        meta.setdefault("requirements", {})[name] = structured
    return lines


def _requirement_lines(sub: dict[str, Any], graph: Graph) -> list[str]:
    """Text of an EducationalOccupationalCredential, OccupationalExperienceRequirements
    or any described requirement node."""
    out: list[str] = []
    category, _ = graph.text(sub, "credentialCategory")
    for cat in graph.nodes(sub, "credentialCategory"):
        if not category:
            category, _ = graph.text(cat, "name", "termCode", "codeValue")
    months = graph.texts(graph.values(sub, "monthsOfExperience"))
    name, _ = graph.text(sub, "name")
    description, _ = graph.text(sub, "description")
    if category:
        out.append(category[0].upper() + category[1:])
    if months:
        out.append(f"At least {months[0][0]} months of experience")
    for text in (name, description):
        if text:
            out.extend(ln for ln in html_to_text(text).split("\n") if ln)
    return out


def _skills(node: dict[str, Any], graph: Graph, meta: dict[str, Any]) -> list[str]:
    skills: list[str] = []
    terms: list[Any] = []
    for value in graph.values(node, "skills"):
        sub = graph.node_of(value)
        if sub is None:
            for text, _ in graph.texts([value]):
                skills.extend(_split_skills(html_to_text(text)))
            continue
        terms.append(plain(sub, graph))
        skills.append(_term_skill(sub, graph))
    if terms:
        meta["skill_terms"] = terms
    required: list[str] = []
    preferred: list[str] = []
    for name, given in (("competency", ""), ("competencies", ""),
                        ("requiredCompetency", "required"), ("requiredCompetencies", "required"),
                        ("preferredCompetency", "preferred"),
                        ("preferredCompetencies", "preferred")):
        for value in graph.values(node, name):
            sub = graph.node_of(value)
            level = given
            if sub is None:
                found = graph.texts([value])
                skill = pick_language(found)[0] if found else ""
            else:
                skill = _term_skill(sub, graph, "name", "description")
                level = level or _level(sub, graph)
            if not skill:
                continue
            skills.append(skill)
            if level == "required":
                required.append(skill)
            elif level == "preferred":
                preferred.append(skill)
    if required:
        meta["required_skills"] = required
    if preferred:
        meta["preferred_skills"] = preferred
    return list(dict.fromkeys(s for s in skills if s))


def _term_skill(sub: dict[str, Any], graph: Graph, *names: str) -> str:
    """A DefinedTerm's taxonomy id when it is one we store (an ESCO URI), else its text."""
    candidates = [sub.get("@id", "")]
    candidates += [t for t, _ in graph.texts(graph.values(sub, "termCode"))]
    candidates += [t for t, _ in graph.texts(graph.values(sub, "url"))]
    for candidate in candidates:
        if isinstance(candidate, str) and _ESCO.match(candidate):
            return candidate
    text, _ = graph.text(sub, *(names or ("name", "description", "termCode")))
    return html_to_text(text).replace("\n", " ").strip()


def _level(sub: dict[str, Any], graph: Graph) -> str:
    level, _ = graph.text(sub, "requirementLevel", "competencyLevel")
    for value in graph.values(sub, "required"):
        if isinstance(value, dict) and value.get("@value") is True:
            return "required"
    low = level.lower()
    if re.search(r"requir|must|essential|mandatory", low):
        return "required"
    if re.search(r"prefer|desir|optional|nice|plus|bonus", low):
        return "preferred"
    return ""


def _split_skills(text: str) -> list[str]:
    """Phrases of a ``skills`` text: one a line or item; a comma list split when every
    piece is short (a list of skills, not a sentence)."""
    out: list[str] = []
    for piece in _SPLIT_SKILLS.split(text):
        piece = piece.strip(" .,-*")
        if not piece:
            continue
        commas = [p.strip(" .") for p in piece.split(",") if p.strip(" .")]
        if len(commas) > 1 and all(len(p.split()) <= 5 for p in commas):
            out.extend(commas)
        else:
            out.append(piece)
    return out


def _date(node: dict[str, Any], graph: Graph, name: str) -> str | None:
    text, _ = graph.text(node, name)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise RecordFieldError(name, f"{text!r} is not a date (expected ISO 8601, YYYY-MM-DD)") \
            from None


def _openings(node: dict[str, Any], graph: Graph) -> int:
    for name in ("totalJobOpenings", "numberOfOpenings"):
        values = graph.values(node, name)
        if not values:
            continue
        raw = values[0].get("@value") if isinstance(values[0], dict) else None
        if isinstance(raw, bool) or raw is None:
            raise RecordFieldError(name, f"{plain(values[0])!r} is not a number of openings")
        try:
            number = float(str(raw).strip().replace(",", ""))
        except ValueError:
            raise RecordFieldError(name, f"{raw!r} is not a number (expected a whole number of "
                                   "openings, 1 or more)") from None
        if not math.isfinite(number) or number < 1 or number != int(number):
            raise RecordFieldError(name, f"{raw!r} is not a whole number of openings, 1 or more")
        return int(number)
    return 1


def _occupation(node: dict[str, Any], graph: Graph, meta: dict[str, Any]) -> str:
    codes: list[str] = []
    raw: list[Any] = []
    for value in graph.values(node, "occupationalCategory"):
        sub = graph.node_of(value)
        if sub is not None:
            raw.append(plain(sub, graph))
            texts = [t for name in ("codeValue", "termCode", "identifier", "name")
                     for t, _ in graph.texts(graph.values(sub, name))]
        else:
            texts = [t for t, _ in graph.texts([value])]
            raw.extend(texts)
        for text in texts:
            for m in _SOC.finditer(text):
                code = m.group(1) + (m.group(2) or "")
                if code not in codes:
                    codes.append(code)
    if raw:
        meta["occupational_category"] = raw[0] if len(raw) == 1 else raw
    if len(codes) > 1:
        meta["other_occupation_codes"] = codes[1:]
    return codes[0] if codes else ""


def _record_id(node: dict[str, Any], graph: Graph, meta: dict[str, Any], title: str,
               employer: str, posted: str | None) -> str:
    for value in graph.values(node, "identifier"):
        sub = graph.node_of(value)
        if sub is not None:
            meta["identifier"] = plain(sub, graph)
            text, _ = graph.text(sub, "value", "identifier", "name")
        else:
            found = graph.texts([value])
            text = found[0][0] if found else ""
        if text:
            meta["id_from"] = "identifier"
            return text
    own = node_id(node)
    if own:
        meta["id_from"] = "@id"
        return own
    url, _ = graph.text(node, "url")
    if url:
        meta["id_from"] = "url"
        return url
    blob = "\x1f".join((title, employer, posted or "")).encode()
    meta["id_from"] = "hash of title, employer and datePosted"
    return "jobposting:" + hashlib.sha256(blob).hexdigest()[:20]


def is_posting(node: dict[str, Any]) -> bool:
    """True for a node typed ``JobPosting`` (schema.org or JDX)."""
    return "JobPosting" in type_names(node)
