"""The published JSON-LD contexts vendored as package data: each is the file its
manifest names, byte for byte, with its licence beside it, and the loader serves it."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from skillmatch.formats import jsonld as J

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = resources.files("skillmatch.formats").joinpath("contexts", "published")
MANIFEST = json.loads(PUBLISHED.joinpath("SOURCES.json").read_text("utf-8"))
ENTRIES = MANIFEST["documents"]


def test_the_manifest_names_the_two_published_documents() -> None:
    urls = {url for entry in ENTRIES for url in entry["urls"]}
    assert urls == {"https://www.w3.org/2018/credentials/v1", "https://w3id.org/openbadges/v2",
                    "https://openbadgespec.org/v2/context.json"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_each_vendored_document_matches_its_manifest_and_carries_its_licence(entry) -> None:
    data = PUBLISHED.joinpath(entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "@context" in json.loads(data)
    licence = PUBLISHED.joinpath(entry["license_file"]).read_text("utf-8")
    assert len(licence) > 500
    assert entry["source"]["package"] and entry["source"]["version"]


def test_the_vc_context_is_the_npm_package_file_pinned_by_the_lock_file() -> None:
    entry = next(e for e in ENTRIES if e["file"] == "vc-v1.jsonld")
    package = entry["source"]["package"]
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    assert lock["packages"][f"node_modules/{package}"]["version"] == entry["source"]["version"]
    installed = ROOT / "node_modules" / package / entry["source"]["path"]
    assert installed.is_file(), "run `npm ci` (make install does)"
    assert installed.read_bytes() == PUBLISHED.joinpath(entry["file"]).read_bytes()


@pytest.mark.parametrize("url", [
    "https://www.w3.org/2018/credentials/v1", "http://www.w3.org/2018/credentials/v1/",
    "https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json",
])
def test_the_loader_serves_the_published_document(url: str) -> None:
    entry = J.published_sources()[J._normal_url(url)]
    served = J.load_document(url)["document"]
    assert served == json.loads(PUBLISHED.joinpath(entry["file"]).read_text("utf-8"))
    assert url.rstrip("/") in J.known_contexts() or J._normal_url(url) in J.known_contexts()


def test_ob2_terms_only_the_published_context_defines_expand_to_their_iris() -> None:
    # "caption" and "author" are in the published Open Badges 2.0 context (schema.org
    # IRIs) but were never in skillmatch's own subset: they expand, not fall back
    doc = {"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
           "id": "urn:uuid:1", "name": "Maker Educator", "caption": "a badge image",
           "author": "https://example.org/author"}
    [node] = J.expand(doc)
    assert J.text(node, J.SCHEMA + "caption") == "a badge image"
    assert J.ids(node, J.SCHEMA + "author") == ["https://example.org/author"]
    assert J.undefined_terms(node) == []

