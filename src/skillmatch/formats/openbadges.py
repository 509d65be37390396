"""1EdTech Open Badges 3.0 and 2.0 as credentials.

Reads, as JSON-LD expanded with :mod:`.jsonld` (never by compact key):

- an OB 3.0 ``Achievement``, or an ``OpenBadgeCredential`` / ``AchievementCredential``
  (a Verifiable Credential, VC 1.1 or 2.0) carrying one in
  ``credentialSubject.achievement``; or such a credential as a compact JWT (a JWS whose
  payload is the credential, or holds it in ``vc``);
- an OB 2.0 ``BadgeClass``, or an ``Assertion`` with its BadgeClass embedded.

One record per achievement: its ``id`` is the record id. Mapped: ``name`` (required),
``description`` (HTML made plain text) with ``criteria.narrative`` after it,
``achievementType`` (:data:`ACHIEVEMENT_TYPES`; unknown: ``other``, original kept),
``alignment[]`` (:mod:`.alignment`), ``creator`` or the credential's ``issuer`` (its name,
else its id) as the provider. Kept in ``meta``: ``criteria``, ``alignments``, ``tags``,
``result_descriptions``, ``credits``, ``field_of_study``, ``human_code``, ``credential``
(the wrapping credential's id, types, issuer, dates), ``verified`` and ``jwt``, and
every property not mapped (``unmapped``, also counted in :attr:`Notes.unused_fields`).

Signed badges: a JWT is decoded without verification and marked ``verified: False``,
unless ``jwks`` names a local JWKS file: then its signature is checked with PyJWT
against the key its ``kid`` names and the record is marked ``verified: True``, or
rejected with the reason. Nothing is fetched: not keys, not contexts, not a BadgeClass
an assertion only links to. Expiry is not checked: a lapsed badge still describes what
it certified. A Data Integrity ``proof`` in a JSON-LD credential is not checked
(``verified: False``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from ..catalog.models import Credential
from ..errors import InputError
from . import jsonld as J
from .base import Notes, RecordFieldError, Rejected, Stream, source
from .html_text import plain_text

log = logging.getLogger(__name__)

FORMAT = "openbadges"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
OBI = "https://w3id.org/openbadges#"
CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"

ACHIEVEMENT_TYPES = {
    "Badge": "badge", "MicroCredential": "badge", "Achievement": "badge", "Award": "badge",
    "Competency": "badge",
    "Certificate": "certificate", "CertificateOfCompletion": "certificate",
    "MasterCertificate": "certificate",
    "Certification": "certification",
    "License": "license",
    "Course": "course",
    "LearningProgram": "program",
    "ApprenticeshipCertificate": "apprenticeship", "JourneymanCertificate": "apprenticeship",
    "Degree": "degree", "AssociateDegree": "degree", "BachelorDegree": "degree",
    "MasterDegree": "degree", "DoctoralDegree": "degree", "ProfessionalDoctorate": "degree",
    "ResearchDoctorate": "degree", "Diploma": "degree", "SecondarySchoolDiploma": "degree",
    "GeneralEducationDevelopment": "degree",
    "Assessment": "other", "Assignment": "other", "CoCurricular": "other",
    "CommunityService": "other", "Fieldwork": "other", "Membership": "other",
    "QualityAssuranceCredential": "other",
}
"""OB 3.0's achievementType values to our CREDENTIAL_TYPES. Diplomas count as degrees
(academic awards); an achievement with no achievementType is a ``badge``; a value not
here (``ext:...`` extensions, misspellings) is ``other``, counted as ``type other``."""


def _s(term: str) -> tuple[str, str, str]:
    """A schema.org term as OB 3.0 (https), OB 2.0 (http) and a loose document write it."""
    return J.SCHEMA_HTTPS + term, J.SCHEMA + term, J.loose(term)


def _ob(term: str) -> tuple[str, str]:
    return OB + term, J.loose(term)


NAME, DESCRIPTION, KEYWORDS = _s("name"), _s("description"), _s("keywords")
CREDENTIAL_TYPES_IRI = {CRED + "VerifiableCredential", OB + "OpenBadgeCredential",
                        OB + "AchievementCredential", J.loose("OpenBadgeCredential"),
                        J.loose("AchievementCredential")}


# --- alignments: declared skills and occupations -------------------------------------

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
_ESCO_SKILL = re.compile(r"^https?://data\.europa\.eu/esco/skill/([0-9a-fA-F-]{36})/?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}$")
_SOC = re.compile(r"^(\d{2}-\d{4})(\.\d{2})?$")
_ONET_URL = re.compile(r"^https?://(?:www\.)?(?:onetonline|onetcenter|mynextmove)\.org/"
                       r".*?(\d{2}-\d{4}(?:\.\d{2})?)(?:$|[/?#])")


def skill_code(*, url: str = "", code: str = "", framework: str = "") -> str:
    """The taxonomy code an alignment target names, as skills store it, or ``""``: an
    ESCO skill URI (in the URL or the code; https or http, stored as ESCO's http URI),
    an ESCO skill UUID under an ESCO framework, or an O*NET technology ``tech:...``."""
    for value in (url, code):
        m = _ESCO_SKILL.match(value.strip())
        if m:
            return ESCO_SKILL + m.group(1).lower()
    if code.startswith("tech:"):
        return code
    if "esco" in framework.lower() and _UUID.match(code.strip()):
        return ESCO_SKILL + code.strip().lower()
    return ""


def occupation_code(*, url: str = "", code: str = "") -> str:
    """The O*NET-SOC code (``15-1252.00``; a SOC ``15-1252`` gets ``.00``) an alignment
    target names, in its code or an O*NET page URL, or ``""``."""
    m = _SOC.match(code.strip())
    if not m:
        m = _ONET_URL.match(url.strip())
        m = _SOC.match(m.group(1)) if m else None
    return m.group(1) + (m.group(2) or ".00") if m else ""


@dataclass
class Alignment:
    """One alignment target (OB 3.0 ``Alignment``, OB 2.0 ``AlignmentObject``)."""

    name: str = ""
    url: str = ""
    code: str = ""
    framework: str = ""
    type: str = ""
    description: str = ""

    @classmethod
    def read(cls, node: dict[str, Any], ns: str) -> Alignment:
        """``ns``: the namespace of ``targetCode`` / ``targetType`` (OB 3.0 or 2.0)."""
        url = J.first(node, *_s("targetUrl"))
        return cls(name=J.text(node, *_s("targetName")),
                   url=str(url).strip() if url is not None else "",
                   code=J.text(node, ns + "targetCode", J.loose("targetCode")),
                   framework=J.text(node, *_s("targetFramework")),
                   type=J.text(node, ns + "targetType", J.loose("targetType")),
                   description=J.text(node, *_s("targetDescription")))

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def declared(aligns: list[Alignment], notes: Notes) -> tuple[list[str], list[str]]:
    """Declared skills and occupation codes of ``aligns``: an ESCO skill or O*NET
    technology code as the code; an O*NET-SOC occupation as an occupation code; any
    other target as its name (or description) for the linker."""
    skills: dict[str, None] = {}
    occupations: dict[str, None] = {}
    for a in aligns:
        code = skill_code(url=a.url, code=a.code, framework=a.framework)
        occupation = "" if code else occupation_code(url=a.url, code=a.code)
        if code:
            skills[code] = None
            notes.count("alignment code")
        elif occupation:
            occupations[occupation] = None
            notes.count("alignment occupation")
        elif a.name or a.description:
            skills[_plain(a.name or a.description, "alignment")] = None
            notes.count("alignment text")
        else:
            notes.count("alignment without target")
    return list(skills), list(occupations)


def _plain(value: str, field_name: str = "description") -> str:
    """Text that may carry HTML as plain text (:func:`.html_text.plain_text`)."""
    return plain_text(value, field_name)


# --- the file --------------------------------------------------------------------------


def looks_like_openbadges(head: bytes | str) -> bool:
    """Whether the first few KB of a file look like Open Badges (2.0 or 3.0, JSON-LD or
    a JWT): the OB contexts or credential types, or a JWT whose payload names them."""
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("eyJ"):
        parts = text.split(None, 1)[0].split(".")
        if len(parts) >= 2:
            text = _b64_prefix(parts[1])
    markers = ("purl.imsglobal.org/spec/ob/", "w3id.org/openbadges", "openbadgespec.org",
               "OpenBadgeCredential", "AchievementCredential")
    return any(m in text for m in markers)


def _b64_prefix(segment: str) -> str:
    import base64

    usable = segment[: len(segment) // 4 * 4]
    try:
        return base64.urlsafe_b64decode(usable).decode("utf-8", "replace")
    except ValueError:
        return ""


def _is_jwt(text: str) -> bool:
    """A JWS header is base64url JSON, so every compact JWT starts with ``eyJ``."""
    return text.startswith("eyJ")


def read_openbadges(path: Path, *, jwks: Path | None = None,
                    notes: Notes | None = None) -> Stream:
    """Open Badges records of ``path`` (one document, a JSON array, JSON Lines, or JWTs),
    each a Credential or a Rejected; ``jwks`` a local JWKS file to verify JWTs with.
    A JWKS file that cannot be read raises InputError (before any record)."""
    notes = notes if notes is not None else Notes()
    keys = _load_jwks(jwks) if jwks is not None else None
    for where, value in J.read_documents(path, accept_text=_is_jwt):
        if isinstance(value, InputError):
            at = f"line {value.line}" if value.line is not None else where
            yield Rejected(str(path), at, value.field or "", value.reason)
            continue
        yield from _Reader(path, where, notes, keys, jwks).document(value)


# --- JWT -------------------------------------------------------------------------------


@dataclass
class _Keys:
    by_kid: dict[str, jwt.PyJWK]
    all: list[jwt.PyJWK]


def _load_jwks(path: Path) -> _Keys:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keyset = jwt.PyJWKSet.from_dict(data)
    except OSError as exc:
        raise InputError(f"cannot read the JWKS file ({exc.strerror or exc})",
                         path=path) from exc
    except (ValueError, jwt.PyJWKSetError, jwt.PyJWKError) as exc:
        raise InputError(f"not a JWKS with a usable key ({exc}) (expected "
                         '{"keys": [{"kty": ..., "kid": ...}]})', path=path) from exc
    by_kid = {k.key_id: k for k in keyset.keys if k.key_id}
    return _Keys(by_kid, list(keyset.keys))


def _decode(token: str, keys: _Keys | None, jwks: Path | None
            ) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """The JWT's payload and what we know of its signature, or the reason it fails."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        return f"malformed JWT: {exc} (expected a compact JWS: header.payload.signature)"
    alg = header.get("alg")
    info: dict[str, Any] = {"alg": alg, "kid": header.get("kid")}
    try:
        if keys is None:
            payload = jwt.decode(token, options={"verify_signature": False})
            info["verified"] = False
        else:
            key = keys.by_kid.get(str(header.get("kid"))) if header.get("kid") else (
                keys.all[0] if len(keys.all) == 1 else None)
            if key is None:
                return (f"no key for kid {header.get('kid')!r} in the JWKS {jwks} "
                        "(expected the issuer's key, by kid, or a JWKS of one key)")
            if not alg or alg == "none" or (key.algorithm_name and alg != key.algorithm_name):
                return (f"JWT algorithm {alg!r} does not match the key's "
                        f"({key.algorithm_name!r}) in {jwks}")
            payload = jwt.decode(token, key=key.key, algorithms=[alg], options={
                "verify_exp": False, "verify_nbf": False, "verify_iat": False,
                "verify_aud": False, "verify_iss": False})
            info["verified"] = True
    except jwt.InvalidSignatureError:
        return f"JWT signature does not verify with key {header.get('kid')!r} of {jwks}"
    except jwt.DecodeError as exc:
        return f"malformed JWT: {exc}"
    except (jwt.InvalidTokenError, jwt.PyJWKError, ValueError, TypeError) as exc:
        return f"JWT rejected: {exc}"
    if not isinstance(payload, dict):
        return "JWT payload is not a JSON object"
    for claim in ("iss", "jti", "nbf", "exp"):
        if claim in payload:
            info[claim] = payload[claim]
    return payload, info


# --- documents -------------------------------------------------------------------------


@dataclass
class _Context:
    """What a record inherits from the credential that wraps it."""

    credential: dict[str, Any] = field(default_factory=dict)
    issuer: str = ""
    verified: bool | None = None
    jwt: dict[str, Any] | None = None


class _Reader:
    def __init__(self, path: Path, where: str, notes: Notes, keys: _Keys | None,
                 jwks: Path | None) -> None:
        self.path, self.where, self.notes, self.keys, self.jwks = path, where, notes, keys, jwks
        self.nodes: dict[str, dict[str, Any]] = {}

    def reject(self, field_name: str, reason: str, where: str | None = None) -> Rejected:
        return Rejected(str(self.path), where if where is not None else self.where,
                        field_name, reason)

    def document(self, value: Any) -> Stream:
        ctx = _Context()
        if isinstance(value, str) and _is_jwt(value.strip()):
            value = value.strip()
            decoded = _decode(value, self.keys, self.jwks)
            if isinstance(decoded, str):
                yield self.reject("jwt", decoded)
                return
            payload, info = decoded
            value = payload.get("vc") if isinstance(payload.get("vc"), dict) else payload
            ctx.verified = info.pop("verified")
            ctx.jwt = info
            self.notes.count("jwt verified" if ctx.verified else "jwt unverified")
        if not isinstance(value, dict):
            yield self.reject("", f"expected a JSON object (an Open Badges credential, "
                                  f"Achievement or BadgeClass), got {_kind(value)}")
            return
        if "@context" not in value:
            yield self.reject("@context", "missing @context (expected the Open Badges 3.0 "
                                          "or 2.0 JSON-LD context)")
            return
        dropped: list[str] = []
        try:
            expanded = J.expand(value, path=self.path, dropped=dropped.append)
        except InputError as exc:
            yield self.reject(exc.field or "", exc.reason)
            return
        for name in dropped:
            self.notes.unused(name)
        self.nodes = {J.node_id(n): n for n in expanded if J.node_id(n)}
        if not expanded:
            yield self.reject("", "the document holds no JSON-LD node")
        for i, node in enumerate(expanded):
            where = self.where if len(expanded) == 1 else _join(self.where, f"@graph[{i}]")
            yield from self.node(node, where, ctx)

    def node(self, node: dict[str, Any], where: str, ctx: _Context) -> Stream:
        kinds = set(J.types(node))
        if kinds & {OB + "Achievement", J.loose("Achievement")}:
            yield self.achievement(node, where, ctx, None)
        elif kinds & CREDENTIAL_TYPES_IRI:
            yield from self.credential(node, where, ctx)
        elif kinds & {OBI + "BadgeClass", J.loose("BadgeClass")}:
            yield self.badge_class(node, where, ctx)
        elif kinds & {OBI + "Assertion"}:
            yield from self.assertion(node, where, ctx)
        elif kinds & {CRED + "VerifiablePresentation"}:
            for i, entry in enumerate(node.get(CRED + "verifiableCredential", [])):
                for j, inner in enumerate(entry.get("@graph", [entry])):
                    yield from self.node(inner, _join(where, f"verifiableCredential[{i}]"
                                                      + (f".@graph[{j}]" if j else "")), ctx)
        else:
            got = ", ".join(J.local_name(t) for t in kinds) or "none"
            yield self.reject("type", "expected an OpenBadgeCredential, "
                                      "AchievementCredential, Achievement, BadgeClass or "
                                      f"Assertion (type {got})", where)

    def credential(self, node: dict[str, Any], where: str, ctx: _Context) -> Stream:
        claims = ctx.jwt or {}  # a VC-JWT may leave the id and issuer to jti and iss
        issuer = self.agent(node, CRED + "issuer") or str(claims.get("iss") or "")
        meta = {"id": J.node_id(node) or str(claims.get("jti") or ""),
                "type": [J.local_name(t) for t in J.types(node)],
                "name": J.text(node, *NAME), "issuer": issuer,
                "valid_from": J.first(node, CRED + "validFrom", CRED + "issuanceDate"),
                "valid_until": J.first(node, CRED + "validUntil", CRED + "expirationDate"),
                "awarded": J.first(node, OB + "awardedDate")}
        inner = _Context({k: v for k, v in meta.items() if v}, issuer, ctx.verified, ctx.jwt)
        if inner.verified is None and (node.get(SEC + "proof") or node.get(CRED + "proof")):
            inner.verified = False
            inner.credential["proof"] = "present, not checked"
        used = {"@id", "@type", CRED + "issuer", CRED + "validFrom", CRED + "issuanceDate",
                CRED + "validUntil", CRED + "expirationDate", OB + "awardedDate",
                CRED + "credentialSubject", SEC + "proof", *NAME, *DESCRIPTION}
        for key in node:
            if key not in used:
                self.notes.unused("credential." + J.local_name(key))
        subjects = J.nodes(node, CRED + "credentialSubject")
        achievements = [(i, a) for i, s in enumerate(subjects)
                        for a in J.nodes(s, *_ob("achievement"))]
        if not achievements:
            yield self.reject("credentialSubject.achievement",
                              "the credential carries no achievement (expected "
                              "credentialSubject.achievement)", where)
            return
        for i, achievement in achievements:
            at = where if len(achievements) == 1 else _join(where, f"credentialSubject[{i}]")
            achievement = self.resolve(achievement)
            yield self.achievement(achievement, at, inner, node)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """A reference to a node the document also holds, replaced by that node."""
        if set(node) == {"@id"}:
            return self.nodes.get(node["@id"], node)
        return node

    def agent(self, node: dict[str, Any], *iris: str) -> str:
        """The name of the profile ``iris`` point at, else its id (or plain text)."""
        for entry in J.nodes(node, *iris):
            entry = self.resolve(entry)
            name = J.text(entry, *NAME)
            if name or J.node_id(entry):
                return name or J.node_id(entry)
        return J.text(node, *iris)

    def achievement(self, node: dict[str, Any], where: str, ctx: _Context,
                    credential: dict[str, Any] | None) -> Credential | Rejected:
        try:
            return self._achievement(node, where, ctx, credential)
        except RecordFieldError as bad:
            return self.reject(bad.field, bad.reason, _join(where, J.node_id(node)))

    def _achievement(self, node: dict[str, Any], where: str, ctx: _Context,
                     credential: dict[str, Any] | None) -> Credential | Rejected:
        name = _plain(J.text(node, *NAME), "name")
        if not name:
            raise RecordFieldError("name", "an Achievement needs a name (expected a "
                                   "non-empty name)")
        criteria = [self.resolve(c) for c in J.nodes(node, OB + "Criteria",
                                                     *_ob("criteria"))]
        narrative = _plain("\n".join(t for c in criteria
                                      for t in J.texts(c, *_ob("narrative"))), "criteria")
        raw_type = J.text(node, *_ob("achievementType"))
        aligns = [Alignment.read(self.resolve(a), OB) for a in
                  J.nodes(node, *_ob("alignment"))]
        provider = self.agent(node, *_ob("creator")) or ctx.issuer
        meta: dict[str, Any] = {
            "criteria": _drop_empty({"narrative": narrative,
                                     "id": next((J.node_id(c) for c in criteria
                                                 if J.node_id(c)), "")}),
            "tags": J.texts(node, *KEYWORDS),
            "result_descriptions": [J.text(self.resolve(r), *NAME) for r in
                                    J.nodes(node, *_ob("resultDescription"))],
            "credits": _number(J.first(node, *_ob("creditsAvailable"))),
            "field_of_study": J.text(node, *_ob("fieldOfStudy")),
            "human_code": J.text(node, *_ob("humanCode")),
            "specialization": J.text(node, *_ob("specialization")),
            "version": J.text(node, *_ob("version")),
            "language": J.text(node, *_s("inLanguage")),
            "image": _first_id(node, *_ob("image")),
        }
        used = {"@id", "@type", *NAME, *DESCRIPTION, *KEYWORDS, OB + "Criteria",
                *_ob("criteria"), *_ob("achievementType"), *_ob("alignment"), *_ob("creator"),
                *_ob("resultDescription"), *_ob("creditsAvailable"), *_ob("fieldOfStudy"),
                *_ob("humanCode"), *_ob("specialization"), *_ob("version"),
                *_s("inLanguage"), *_ob("image")}
        return self.record(node, where, ctx, name=name, narrative=narrative,
                           raw_type=raw_type, types=ACHIEVEMENT_TYPES, aligns=aligns,
                           provider=provider, meta=meta, used=used, version="3.0",
                           credential=credential)

    def badge_class(self, node: dict[str, Any], where: str, ctx: _Context
                    ) -> Credential | Rejected:
        try:
            return self._badge_class(node, where, ctx)
        except RecordFieldError as bad:
            return self.reject(bad.field, bad.reason, _join(where, J.node_id(node)))

    def _badge_class(self, node: dict[str, Any], where: str, ctx: _Context
                     ) -> Credential | Rejected:
        name = _plain(J.text(node, *NAME), "name")
        if not name:
            raise RecordFieldError("name", "a BadgeClass needs a name (expected a non-empty name)")
        criteria = [self.resolve(c) for c in J.nodes(node, OBI + "criteria")]
        narrative = _plain("\n".join(t for c in criteria
                                      for t in J.texts(c, OBI + "narrative")), "criteria")
        aligns = [Alignment.read(self.resolve(a), OBI) for a in J.nodes(node, OBI + "alignment")]
        meta: dict[str, Any] = {
            "criteria": _drop_empty({"narrative": narrative,
                                     "id": next((J.node_id(c) for c in criteria
                                                 if J.node_id(c)), "")}),
            "tags": J.texts(node, *KEYWORDS),
            "image": _first_id(node, *_s("image")),
            "version": J.text(node, *_s("version")),
        }
        used = {"@id", "@type", *NAME, *DESCRIPTION, *KEYWORDS, OBI + "criteria",
                OBI + "alignment", OBI + "issuer", *_s("image"), *_s("version")}
        provider = self.agent(node, OBI + "issuer") or ctx.issuer
        return self.record(node, where, ctx, name=name, narrative=narrative, raw_type="",
                           types={}, aligns=aligns, provider=provider, meta=meta, used=used,
                           version="2.0", credential=None)

    def assertion(self, node: dict[str, Any], where: str, ctx: _Context) -> Stream:
        badges = [self.resolve(b) for b in J.nodes(node, OBI + "badge")]
        embedded = [b for b in badges if set(b) - {"@id"}]
        if not embedded:
            ref = ", ".join(J.node_id(b) for b in badges) or "none"
            yield self.reject("badge", f"the assertion only links to its BadgeClass ({ref}), "
                                       "which is never fetched (expected it embedded, or "
                                       "the BadgeClass JSON itself)", where)
            return
        for badge in embedded:
            yield self.badge_class(badge, where, ctx)

    def record(self, node: dict[str, Any], where: str, ctx: _Context, *, name: str,
               narrative: str, raw_type: str, types: dict[str, str],
               aligns: list[Alignment], provider: str, meta: dict[str, Any],
               used: set[str], version: str, credential: dict[str, Any] | None
               ) -> Credential:
        description = _plain(J.text(node, *DESCRIPTION))
        if narrative and narrative not in description:
            description = f"{description}\n{narrative}".strip()
        kind = types.get(raw_type.removeprefix("ext:"), "") if raw_type else "badge"
        if not kind:
            kind = "other"
            self.notes.count("type other")
        skills, occupations = declared(aligns, self.notes)
        record_id = J.node_id(node)
        if not record_id:
            digest = hashlib.sha256(f"{name}\n{provider}".encode()).hexdigest()[:16]
            record_id = f"openbadges:{digest}"
            meta["id_derived"] = True
        unmapped = {J.local_name(k): J.plain(v) for k, v in node.items() if k not in used}
        for key in unmapped:
            self.notes.unused(key)
        meta.update({
            "source": source(FORMAT, str(self.path), where, version=version),
            "original_type": raw_type or None,
            "alignments": [a.to_dict() for a in aligns],
            "credential": ctx.credential or None,
            "verified": ctx.verified,
            "jwt": ctx.jwt,
            "unmapped": unmapped,
        })
        url = record_id if record_id.startswith(("http://", "https://")) else \
            meta["criteria"].get("id", "")
        return Credential(id=record_id, title=name, provider=provider, type=kind,
                          description=description, skills=skills, url=url,
                          occupation_codes=occupations, meta=_drop_empty(meta))


def _join(where: str, part: str) -> str:
    return f"{where} {part}".strip()


def _kind(value: Any) -> str:
    return {list: "an array", str: "text", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _first_id(node: dict[str, Any], *iris: str) -> str:
    found = J.ids(node, *iris) or J.texts(node, *iris)
    return found[0] if found else ""


def _drop_empty(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v not in (None, "", [], {})}
