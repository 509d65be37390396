"""Credential Engine CTDL (Credential Registry JSON-LD) as credentials.

Reads one registry record, a JSON array or JSON Lines of them, or a bulk document: a
``@graph`` of many nodes (credentials, organizations, competencies, ...), graphs nested
in it too. Each ``@graph`` element is expanded on its own with :mod:`.jsonld`
(never read by compact key), so one bad element is one :class:`Rejected`; then
references between nodes (an owner's name, a competency's text) are resolved within
the document. A bulk document is held whole while it is read; JSON Lines stream.

Records are the nodes whose ``@type`` is a credential class (:func:`credential_type`),
a learning opportunity (``LearningOpportunityProfile``, ``LearningProgram``, ``Course``)
or an assessment (``AssessmentProfile``); other nodes only serve as references. Mapped:

- ``ceterms:ctid`` is the record id (else ``@id``); ``name`` (required) and
  ``description`` read from language maps, English first, then untagged text, then any
  language (every language kept in ``meta["names"]`` / ``["descriptions"]``), HTML
  made plain text;
- ``ownedBy`` / ``offeredBy``: the organizations' names when the document holds them,
  else their ids; the first owner (else offerer) is the provider;
- ``estimatedCost``: see below; ``estimatedDuration``: see :func:`duration_hours`;
- ``occupationType`` (``CredentialAlignmentObject``): O*NET-SOC ``codedNotation`` (or an
  O*NET page as ``targetNode``) to ``occupation_codes``; ``industryType`` (NAICS) and
  ``instructionalProgramType`` (CIP) kept in ``meta["naics"]`` / ``meta["cip"]``;
- declared skills: ``requires`` and ``recommends`` condition profiles'
  ``targetCompetency``, and ``teaches`` / ``assesses`` alignments: an ESCO skill URI or
  O*NET ``tech:`` code as the code, a competency the document holds as its text,
  anything else as its name (recommended ones also listed in
  ``meta["recommended_skills"]``);
- delivery: ``learningDeliveryType`` (``deliveryType:InPerson`` / ``OnlineOnly`` /
  ``BlendedDelivery``) when given, else ``availableOnlineAt`` (online) and
  ``availableAt`` (in person), both meaning hybrid; region: the first place's
  ``addressRegion``;
- ``keyword``, ``subject`` to ``meta``; ``subjectWebpage`` is the url;
  ``audienceLevelType`` the level; every property not mapped in ``meta["unmapped"]``.

Hours (:func:`duration_hours`), the spreadsheet reader's rule for ISO 8601: a duration
of clock time only is hours (``PT40H`` = 40 h, ``PT90M`` = 1.5 h); one with a calendar
part (days, weeks, months, years: ``P6W``, ``P6M``, ``P2DT4H``) states how long it
takes, not the hours of study, so hours stay unknown (``None``) and the length is kept
in ``meta["weeks"]`` (a month 52/12 weeks, a year 52, a day 1/7). Of a profile, the
exact duration counts, else the minimum (the low end, as for a range of hours), else
the maximum (a range of hours kept in ``meta["hours_range"]``); of several profiles,
the first with a duration. Every profile is kept in ``meta["durations"]``.

Costs: prices are numbers or numeric text (``"1,250.00"``, ``"$99"``).
The registry writes one CostProfile per cost item (tuition, books, fees) repeating the
profile's name and description; consecutive profiles with the same name and
description are one cost profile and their prices are summed. The record's cost is
the first cost profile's total in US dollars; another currency leaves cost unknown
(``None``) and counts ``cost not in USD``; a profile without currency is taken as USD.
Every profile is kept in ``meta["costs"]``. A price that is not a number, or a
duration that is not ISO 8601, rejects the record naming the field.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import isodate
from isodate.isoduration import ISO8601_PERIOD_REGEX

from ..catalog.models import Credential
from ..errors import InputError
from . import jsonld as J
from .base import Notes, RecordFieldError, Rejected, Stream, source
from .html_text import plain_text
from .openbadges import occupation_code, skill_code

log = logging.getLogger(__name__)

FORMAT = "ctdl"
CE = "https://purl.org/ctdl/terms/"
ASN = "https://purl.org/ctdlasn/terms/"

CLASSES = {
    "Badge": "badge", "DigitalBadge": "badge", "OpenBadge": "badge", "MicroCredential": "badge",
    "Certificate": "certificate", "CertificateOfCompletion": "certificate",
    "CertificateOfParticipation": "certificate", "AcademicCertificate": "certificate",
    "ProfessionalCertificate": "certificate", "MasterCertificate": "certificate",
    "BasicTechnicalCertificate": "certificate",
    "Certification": "certification",
    "License": "license",
    "ApprenticeshipCertificate": "apprenticeship", "JourneymanCertificate": "apprenticeship",
    "PreApprenticeshipCertificate": "apprenticeship",
    "Diploma": "degree", "SecondarySchoolDiploma": "degree",
    "GeneralEducationDevelopment": "degree",
    "Course": "course",
    "LearningProgram": "program", "LearningOpportunityProfile": "program",
    "QualityAssuranceCredential": "other", "AssessmentProfile": "other",
    "Credential": "other",
}
"""CTDL classes to our CREDENTIAL_TYPES; any class whose name ends in ``Degree`` or
``Doctorate`` is a degree (diplomas count as degrees, academic awards); see
:func:`credential_type` for classes not listed."""

DELIVERY = {"InPerson": "in person", "OnlineOnly": "online", "BlendedDelivery": "hybrid",
            "Blended": "hybrid", "Online": "online", "InPersonOnly": "in person"}

WEEKS_PER = {"years": 52.0, "months": 52.0 / 12, "weeks": 1.0, "days": 1 / 7}
"""Weeks per calendar unit of an ISO 8601 duration (as the spreadsheet reader's lengths:
a month is 52/12 weeks, a year 52, a day 1/7)."""
HOURS_PER = {"hours": 1.0, "minutes": 1 / 60, "seconds": 1 / 3600}
"""Hours per time unit of an ISO 8601 duration."""


def credential_type(class_iri: str) -> tuple[str, bool] | None:
    """``(our type, known)`` for a CTDL class IRI, or None when it is not a record
    class. A ``ceterms:`` class not in :data:`CLASSES` whose name ends in ``Degree``
    or ``Doctorate`` is a degree; one naming a credential (``...Credential``,
    ``...Certificate``, ``...Badge``, ``...Diploma``, ``...License``) is ``other``
    (``known`` False); organizations and profiles are not records."""
    if not class_iri.startswith(CE):
        return None
    name = class_iri[len(CE):]
    if name in CLASSES:
        return CLASSES[name], True
    if name.endswith(("Degree", "Doctorate")):
        return "degree", True
    if name.endswith("Organization") or name.endswith("Profile"):
        return None
    if name.endswith(("Credential", "Certificate", "Badge", "Diploma", "License")):
        return "other", False
    return None


# --- the file --------------------------------------------------------------------------


def looks_like_ctdl(head: bytes | str) -> bool:
    """Whether the first few KB of a file look like CTDL JSON-LD (its context, its
    namespace or its compact keys)."""
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    return "credreg.net/ctdl" in text or bool(_CTDL_KEY.search(text))


_CTDL_KEY = re.compile(r'"(?:ceterms:\w+|https://purl\.org/ctdl/terms/\w+)"\s*:')
"""A CTDL property as a key (a value such as ``"ceasn:Competency"`` in an Open Badges
alignment is not enough)."""


def read_ctdl(path: Path, *, notes: Notes | None = None) -> Stream:
    """CTDL records of ``path``, each a Credential or a Rejected (see the module)."""
    notes = notes if notes is not None else Notes()
    for where, value in J.read_documents(path):
        if isinstance(value, InputError):
            at = f"line {value.line}" if value.line is not None else where
            yield Rejected(str(path), at, value.field or "", value.reason)
            continue
        yield from _Document(path, where, notes).read(value)


# --- values ----------------------------------------------------------------------------


def _plain(value: str, field_name: str = "ceterms:description") -> str:
    """Text that may carry HTML as plain text (:func:`.html_text.plain_text`)."""
    return plain_text(value, field_name)


def _price(value: Any, field_name: str) -> float:
    if isinstance(value, bool):
        raise RecordFieldError(field_name, f"{value!r} is not a price (expected a number)")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").lstrip("$").strip()
        try:
            number = float(text)
        except ValueError:
            raise RecordFieldError(field_name, f"{value!r} is not a price (expected a "
                                   "number such as 1250 or \"1,250.00\")") from None
    if number != number or number < 0:
        raise RecordFieldError(field_name, f"{value!r} is not a price (expected a number >= 0)")
    return number


@dataclass(frozen=True)
class Span:
    """An ISO 8601 duration read by the hours rule: ``hours`` when it states only clock
    time, else ``None`` and its length in ``weeks``."""

    hours: float | None
    weeks: float | None


def duration_hours(text: Any, field_name: str = "duration") -> Span:
    """An ISO 8601 duration by the hours rule (see the module): ``PT40H`` is 40 hours,
    ``P6W`` a length of 6 weeks with hours unknown. Raises InputError naming the field
    for text that is not an ISO 8601 duration, or a negative one."""
    value = str(text).strip()
    try:
        parsed = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError, TypeError):
        raise RecordFieldError(field_name, f"{text!r} is not an ISO 8601 duration "
                               "(expected like P6W, P6M or PT40H)") from None
    m = ISO8601_PERIOD_REGEX.match(value)
    if m is None:  # the alternative format, P0001-06-00T00:00:00
        years = float(getattr(parsed, "years", 0))
        months = float(getattr(parsed, "months", 0))
        delta = getattr(parsed, "tdelta", parsed)
        if years or months or delta.days:
            return Span(None, years * 52 + months * 52 / 12 + delta.days / 7)
        return Span(delta.seconds / 3600, None)
    if m.group("sign") == "-":
        raise RecordFieldError(field_name, f"{text!r} is a negative duration")

    def amount(unit: str) -> float:
        part = m.group(unit) if m is not None else None
        return float(part[:-1].replace(",", ".")) if part else 0.0

    weeks = sum(amount(u) * per for u, per in WEEKS_PER.items())
    if any(m.group(u) for u in WEEKS_PER):
        return Span(None, weeks)
    return Span(sum(amount(u) * per for u, per in HOURS_PER.items()), None)


@dataclass
class _Align:
    """A CredentialAlignmentObject as read."""

    name: str = ""
    code: str = ""
    node: str = ""
    framework: str = ""
    framework_name: str = ""

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


# --- documents -------------------------------------------------------------------------


class _Document:
    def __init__(self, path: Path, where: str, notes: Notes) -> None:
        self.path, self.where, self.notes = path, where, notes
        self.index: dict[str, dict[str, Any]] = {}

    def reject(self, where: str, field_name: str, reason: str) -> Rejected:
        return Rejected(str(self.path), where, field_name, reason)

    def read(self, value: Any) -> Stream:
        if not isinstance(value, dict):
            yield self.reject(self.where, "", "expected a JSON object (a CTDL record or a "
                                              f"@graph of them), got {_kind(value)}")
            return
        if "@context" not in value:
            yield self.reject(self.where, "@context", "missing @context (expected the CTDL "
                                                      "context https://credreg.net/ctdl/"
                                                      "schema/context/json)")
            return
        if J.depth(value) > J.MAX_DEPTH:
            yield self.reject(self.where, "", f"nested deeper than {J.MAX_DEPTH} levels")
            return
        expanded: list[tuple[str, dict[str, Any]]] = []
        elements = _elements(value, value["@context"], self.where)
        single = len(elements) == 1
        for where, element in elements:
            if element is None:
                yield self.reject(where, "@graph", "a @graph element must be a JSON object")
                continue
            dropped: list[str] = []
            try:
                nodes = J.expand(element, path=self.path, dropped=dropped.append)
            except InputError as exc:
                yield self.reject(where, exc.field or "", exc.reason)
                continue
            for name in dropped:
                self.notes.unused(name)
            expanded.extend((where, n) for n in nodes)
        for _, node in expanded:
            self._index(node)
        for where, node in expanded:
            kinds = [k for k in (credential_type(t) for t in J.types(node)) if k]
            types = J.types(node)
            if kinds:
                yield self.record(node, where, kinds[0])
            elif any(t.startswith((CE, ASN)) for t in types):
                self.notes.count("skipped " + J.local_name(types[0]))
            elif single or types:
                got = ", ".join(J.local_name(t) for t in types) or "none"
                yield self.reject(where, "@type", "expected a CTDL credential class (such as "
                                                  "ceterms:Certificate, ceterms:Badge, "
                                                  f"ceterms:BachelorDegree), got {got}")
            else:
                self.notes.count("skipped untyped node")

    def _index(self, node: dict[str, Any]) -> None:
        """Every identified node of the document, embedded ones too."""
        stack = [node]
        while stack:
            current = stack.pop()
            if J.node_id(current) and set(current) - {"@id"}:
                self.index.setdefault(J.node_id(current), current)
            for key, values in current.items():
                if not key.startswith("@") and isinstance(values, list):
                    stack.extend(v for v in values if isinstance(v, dict) and "@value" not in v)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        if set(node) == {"@id"}:
            return self.index.get(node["@id"], node)
        return node

    def nodes(self, node: dict[str, Any], *iris: str) -> list[dict[str, Any]]:
        return [self.resolve(n) for n in J.nodes(node, *iris)]

    def names(self, node: dict[str, Any], iri: str) -> list[str]:
        """The names of the organizations ``iri`` references, else their ids."""
        out = []
        for org in self.nodes(node, iri):
            out.append(_plain(J.text(org, CE + "name")) or J.node_id(org))
        out += [t for t in J.texts(node, iri) if t not in out]
        return [n for n in out if n]

    # --- one record ----------------------------------------------------------------

    def record(self, node: dict[str, Any], where: str, kind: tuple[str, bool]
               ) -> Credential | Rejected:
        ctid = J.text(node, CE + "ctid")
        label = f"{where} {ctid}".strip() if ctid else where
        try:
            return self._record(node, label, ctid, kind)
        except RecordFieldError as bad:
            return self.reject(label, bad.field, bad.reason)

    def _record(self, node: dict[str, Any], where: str, ctid: str, kind: tuple[str, bool]
                ) -> Credential:
        name = _plain(J.text(node, CE + "name"), "ceterms:name")
        if not name:
            raise RecordFieldError("ceterms:name", "a credential needs a name (expected a "
                                   "non-empty ceterms:name)")
        record_id = ctid or J.node_id(node)
        if not record_id or record_id.startswith("_:"):
            raise RecordFieldError("ceterms:ctid", "a credential needs a ceterms:ctid or an @id")
        type_iri = next(t for t in J.types(node) if credential_type(t))
        ours, known = kind
        if not known:
            self.notes.count("type other")
        meta: dict[str, Any] = {"original_type": J.local_name(type_iri)}
        owners, offerers = self.names(node, CE + "ownedBy"), self.names(node, CE + "offeredBy")
        meta.update(owned_by=owners, offered_by=offerers)
        for key, iri in (("names", CE + "name"), ("descriptions", CE + "description")):
            langs = J.languages(node, iri)
            if len(langs) > 1:
                meta[key] = langs
        cost = self.cost(node, meta)
        hours = self.hours(node, meta)
        occupations = self.occupations(node, meta)
        skills = self.skills(node, meta)
        delivery, region = self.delivery(node, meta)
        meta.update(
            keywords=J.texts(node, CE + "keyword"),
            subjects=[a.name or a.code for a in self.aligns(node, CE + "subject")]
            + J.texts(node, CE + "subject"),
            status=[a.name or J.local_name(a.node) for a in
                    self.aligns(node, CE + "credentialStatusType", CE + "lifeCycleStatusType")],
            language=J.texts(node, CE + "inLanguage"),
        )
        level = next((a.name for a in self.aligns(node, CE + "audienceLevelType") if a.name), "")
        unmapped = {J.local_name(k): J.plain(v) for k, v in node.items() if k not in _USED}
        for key in unmapped:
            self.notes.unused(key)
        meta.update(source=source(FORMAT, str(self.path), where), unmapped=unmapped,
                    id=J.node_id(node) if ctid else "")
        return Credential(
            id=record_id, title=name, provider=(owners or offerers or [""])[0], type=ours,
            description=_plain(J.text(node, CE + "description")), skills=skills,
            level=level, hours=hours, cost=cost, delivery=delivery, region=region,
            url=next(iter(J.values(node, CE + "subjectWebpage")), ""),
            occupation_codes=occupations,
            meta={k: v for k, v in meta.items() if v not in (None, "", [], {})})

    def aligns(self, node: dict[str, Any], *iris: str) -> list[_Align]:
        out = []
        for a in self.nodes(node, *iris):
            out.append(_Align(
                name=_plain(J.text(a, CE + "targetNodeName")
                                  or J.text(a, ASN + "competencyText")
                                  or J.text(a, CE + "name")),
                code=J.text(a, CE + "codedNotation"),
                node=str(J.first(a, CE + "targetNode") or ""),
                framework=str(J.first(a, CE + "framework") or ""),
                framework_name=J.text(a, CE + "frameworkName")))
        return out

    def cost(self, node: dict[str, Any], meta: dict[str, Any]) -> float | None:
        groups: list[dict[str, Any]] = []
        for profile in self.nodes(node, CE + "estimatedCost"):
            key = (J.text(profile, CE + "name"), J.text(profile, CE + "description"))
            prices = [_price(v, "ceterms:estimatedCost.ceterms:price")
                      for v in J.values(profile, CE + "price")]
            currency = J.text(profile, CE + "currency").upper()
            kinds = [a.name or J.local_name(a.node)
                     for a in self.aligns(profile, CE + "directCostType")]
            items = [{"type": kinds[0] if kinds else "", "price": p} for p in prices]
            if groups and groups[-1]["key"] == key and groups[-1]["currency"] == currency:
                groups[-1]["total"] += sum(prices)
                groups[-1]["items"] += items
            else:
                groups.append({"key": key, "name": key[0], "currency": currency,
                               "total": sum(prices), "items": items,
                               "priced": bool(prices)})
            groups[-1]["priced"] = groups[-1]["priced"] or bool(prices)
        priced = [g for g in groups if g["priced"]]
        meta["costs"] = [{k: v for k, v in g.items() if k not in ("key", "priced") and v != ""}
                         for g in priced]
        if not priced:
            return None
        first = priced[0]
        if first["currency"] not in ("", "USD"):
            self.notes.count("cost not in USD")
            return None
        return float(first["total"])

    def hours(self, node: dict[str, Any], meta: dict[str, Any]) -> float | None:
        profiles: list[dict[str, Any]] = []
        spans: list[dict[str, Span]] = []
        for profile in self.nodes(node, CE + "estimatedDuration"):
            kept: dict[str, Any] = {}
            read: dict[str, Span] = {}
            for part in ("exact", "minimum", "maximum"):
                text = J.first(profile, CE + part + "Duration")
                if text is not None:
                    kept[part + "Duration"] = str(text)
                    read[part] = duration_hours(
                        text, f"ceterms:estimatedDuration.ceterms:{part}Duration")
            description = J.text(profile, CE + "description")
            if description:
                kept["description"] = description
            if kept:
                profiles.append(kept)
                spans.append(read)
        meta["durations"] = profiles
        for read in spans:
            low, high = read.get("minimum"), read.get("maximum")
            chosen = read.get("exact") or low or high
            if chosen is None:
                continue
            if chosen.weeks is not None:
                meta["weeks"] = chosen.weeks
                return None
            if low and high and low.hours is not None and high.hours is not None:
                meta["hours_range"] = [low.hours, high.hours]
            return chosen.hours
        return None

    def occupations(self, node: dict[str, Any], meta: dict[str, Any]) -> list[str]:
        codes: dict[str, None] = {}
        others = []
        for a in self.aligns(node, CE + "occupationType"):
            code = occupation_code(code=a.code, url=a.node)
            if code:
                codes[code] = None
            else:
                others.append(a.to_dict())
        meta["occupations_other"] = others
        meta["naics"] = [a.to_dict() for a in self.aligns(node, CE + "industryType")] + \
            J.texts(node, CE + "naics")
        meta["cip"] = [a.to_dict() for a in self.aligns(node, CE + "instructionalProgramType")]
        return list(codes)

    def competency(self, a: _Align) -> str:
        """A declared skill for an alignment: a code, a held competency's text, a name."""
        code = skill_code(url=a.node, code=a.code, framework=a.framework_name or a.framework)
        if code:
            self.notes.count("alignment code")
            return code
        held = self.index.get(a.node)
        text = J.text(held, ASN + "competencyText", ASN + "competencyLabel",
                      CE + "name") if held else ""
        self.notes.count("alignment text")
        return _plain(text or a.name)

    def skills(self, node: dict[str, Any], meta: dict[str, Any]) -> list[str]:
        required: dict[str, None] = {}
        recommended: dict[str, None] = {}
        conditions = []
        for prop, bucket in (("requires", required), ("recommends", recommended)):
            for profile in self.nodes(node, CE + prop):
                comps = [self.competency(a) for a in self.aligns(profile, CE + "targetCompetency")]
                bucket.update((c, None) for c in comps if c)
                conditions.append({k: v for k, v in {
                    "kind": prop, "name": J.text(profile, CE + "name"),
                    "description": _plain(J.text(profile, CE + "description")),
                    "competencies": comps}.items() if v})
        taught = [self.competency(a) for a in self.aligns(
            node, CE + "teaches", CE + "assesses", ASN + "teaches", ASN + "assesses")]
        skills = dict.fromkeys([*required, *(t for t in taught if t), *recommended])
        meta["conditions"] = conditions
        meta["recommended_skills"] = [s for s in recommended if s not in required]
        return [s for s in skills if s]

    def delivery(self, node: dict[str, Any], meta: dict[str, Any]) -> tuple[str, str]:
        places = self.nodes(node, CE + "availableAt")
        online = J.values(node, CE + "availableOnlineAt")
        modes = {DELIVERY[n] for n in (J.local_name(a.node) for a in self.aligns(
            node, CE + "learningDeliveryType", CE + "deliveryType")) if n in DELIVERY}
        if not modes:
            modes = ({"online"} if online else set()) | ({"in person"} if places else set())
        delivery = modes.pop() if len(modes) == 1 else ("hybrid" if modes else "")
        regions = [J.text(p, CE + "addressRegion") for p in places]
        meta["places"] = [J.plain(p) for p in places]
        meta["online_at"] = online
        return delivery, next((r for r in regions if r), "")


_USED = {"@id", "@type"} | {CE + p for p in (
    "ctid", "name", "description", "ownedBy", "offeredBy", "estimatedCost",
    "estimatedDuration", "occupationType", "industryType", "naics",
    "instructionalProgramType", "requires", "recommends", "teaches", "assesses",
    "availableOnlineAt", "availableAt", "learningDeliveryType", "deliveryType", "keyword",
    "subject", "subjectWebpage", "audienceLevelType", "credentialStatusType",
    "lifeCycleStatusType", "inLanguage")} | {ASN + "teaches", ASN + "assesses"}


def _elements(value: dict[str, Any], context: Any, where: str
              ) -> list[tuple[str, dict[str, Any] | None]]:
    """The nodes of a document to expand one by one, each with the context in force:
    the document itself, or each element of its ``@graph`` (and of graphs nested in
    those); a graph element with properties of its own is a node too."""
    graph = value.get("@graph")
    own = {k: v for k, v in value.items() if k not in ("@context", "@graph")}
    if graph is None:
        return [(where, {"@context": context, **own})]
    out: list[tuple[str, dict[str, Any] | None]] = []
    if set(own) - {"@id"}:
        out.append((where, {"@context": context, **own}))
    for i, element in enumerate(graph if isinstance(graph, list) else [graph]):
        at = f"{where} @graph[{i}]".strip()
        if not isinstance(element, dict):
            out.append((at, None))
            continue
        inner = context
        if "@context" in element:
            inner = [*_as_list(context), *_as_list(element["@context"])]
        out.extend(_elements(element, inner, at))
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _kind(value: Any) -> str:
    return {list: "an array", str: "text", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")
