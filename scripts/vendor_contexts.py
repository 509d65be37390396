"""Vendor the published JSON-LD context documents that package registries carry into
skillmatch's package data (``src/skillmatch/formats/contexts/published/``), with a
manifest of where each came from, its licence and its SHA-256.

Run by a maintainer when a pinned version changes; the result is committed, and
``tests/formats/test_contexts.py`` checks it against the manifest and against the
npm package installed from ``package-lock.json``. Nothing here runs at import or at
run time, and skillmatch never fetches a context.

Sources (pinned):

- W3C Verifiable Credentials 1.1 (``https://www.w3.org/2018/credentials/v1``): the npm
  package ``@digitalbazaar/credentials-context`` (``package.json`` / ``package-lock.json``,
  so ``npm ci`` installs exactly this version), file ``contexts/v1.jsonld``, byte for
  byte. Licence: the context data is from the W3C vc-data-model specification, under the
  W3C Software and Document License (the package's ``LICENSE.md``, copied beside it).
- Open Badges 2.0 (``https://w3id.org/openbadges/v2``): the IMS Global (1EdTech)
  reference verifier ``badgecheck`` 1.2.0 on PyPI (Apache-2.0), which carries the
  published context as ``openbadges/verifier/openbadges_context.py``
  (``OPENBADGES_CONTEXT_V2_DICT``). Its wheel is read as a zip (never imported: it pins
  old dependencies); the dict literal is parsed with :func:`ast.literal_eval` and
  written as JSON.

Usage::

    npm ci
    pip download --no-deps badgecheck==1.2.0 -d /tmp/badgecheck
    python scripts/vendor_contexts.py \
        --badgecheck-wheel /tmp/badgecheck/badgecheck-1.2.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

log = logging.getLogger("vendor_contexts")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "skillmatch" / "formats" / "contexts" / "published"
NPM_PACKAGE = "@digitalbazaar/credentials-context"
BADGECHECK = ("badgecheck", "1.2.0")


def _write(path: Path, data: bytes) -> None:
    """Write under a unique temporary name, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _npm_version(package: str) -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    return str(lock["packages"][f"node_modules/{package}"]["version"])


def vc_v1() -> tuple[dict[str, object], dict[str, bytes]]:
    root = ROOT / "node_modules" / NPM_PACKAGE
    if not root.is_dir():
        raise SystemExit(f"{root} is missing: run `npm ci` first")
    version = json.loads((root / "package.json").read_text("utf-8"))["version"]
    if version != _npm_version(NPM_PACKAGE):
        raise SystemExit(f"{NPM_PACKAGE} {version} installed, package-lock.json pins "
                         f"{_npm_version(NPM_PACKAGE)}: run `npm ci`")
    data = (root / "contexts" / "v1.jsonld").read_bytes()
    json.loads(data)  # it is JSON
    entry = {
        "file": "vc-v1.jsonld",
        "urls": ["https://www.w3.org/2018/credentials/v1"],
        "what": "W3C Verifiable Credentials Data Model 1.1 context",
        "source": {"registry": "npm", "package": NPM_PACKAGE, "version": version,
                   "path": "contexts/v1.jsonld"},
        "license": "W3C Software and Document License (context data from the W3C "
                   "vc-data-model specification); see vc-v1.LICENSE.md",
        "license_file": "vc-v1.LICENSE.md",
    }
    return entry, {"vc-v1.jsonld": data, "vc-v1.LICENSE.md": (root / "LICENSE.md").read_bytes()}


def ob_v2(wheel: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    name, version = BADGECHECK
    if f"{name}-{version}-" not in wheel.name:
        raise SystemExit(f"{wheel}: expected the {name} {version} wheel")
    with zipfile.ZipFile(wheel) as z:
        source = z.read("openbadges/verifier/openbadges_context.py").decode("utf-8")
        licence = z.read(f"{name}-{version}.dist-info/LICENSE")
    tree = ast.parse(source)
    value = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "OPENBADGES_CONTEXT_V2_DICT"):
            value = ast.literal_eval(node.value)
    if not isinstance(value, dict) or "@context" not in value:
        raise SystemExit(f"{wheel}: OPENBADGES_CONTEXT_V2_DICT not found")
    data = (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    entry = {
        "file": "ob-v2.json",
        "urls": ["https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json"],
        "what": "Open Badges 2.0 context (IMS Global)",
        "source": {"registry": "pypi", "package": name, "version": version,
                   "path": "openbadges/verifier/openbadges_context.py",
                   "name": "OPENBADGES_CONTEXT_V2_DICT",
                   "note": "a Python dict literal in the reference verifier, written here as JSON"},
        "license": "Apache-2.0 (badgecheck, IMS Global Learning Consortium); see ob-v2.LICENSE",
        "license_file": "ob-v2.LICENSE",
    }
    return entry, {"ob-v2.json": data, "ob-v2.LICENSE": licence}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--badgecheck-wheel", type=Path, required=True,
                        help="badgecheck-1.2.0-py3-none-any.whl (pip download --no-deps)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    OUT.mkdir(parents=True, exist_ok=True)
    documents = []
    for entry, files in (vc_v1(), ob_v2(args.badgecheck_wheel)):
        for name, data in files.items():
            _write(OUT / name, data)
        entry["sha256"] = _sha256(files[str(entry["file"])])
        documents.append(entry)
        log.info("%s <- %s %s (%s)", entry["file"], entry["source"]["package"],  # type: ignore[index]
                 entry["source"]["version"], entry["sha256"][:12])  # type: ignore[index]
    manifest = {"generated_by": "scripts/vendor_contexts.py", "documents": documents}
    _write(OUT / "SOURCES.json", (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
