"""How fast the web pages' HTML is served (issue 17): p50 and p95 per page, against the
target, from a real server process.

Starts ``skillmatch serve --workers 1`` on 127.0.0.1 (a free port), the command a user
runs, and fetches every page ``N`` times with a keep-alive client, timing each request
from sending it to the last byte of the body. The pages are read from the app itself:
every GET route whose path does not start with /v1, /static, /docs, /redoc or /openapi
(``skillmatch.api.create_app()``'s routes), each with representative query strings
(:data:`CASES`, filled with values read from the workspace through the API: a posting's
occupation, region and title, its employer's own posting and need, two credentials, the
most demanded skill). A route this script has no case for is fetched bare and shown;
one whose path parameters it cannot fill is listed as skipped. The employer's pages are
fetched signed in (an employer key made with ``skillmatch keys create`` on the
workspace, revoked at the end) as that posting's employer.

By default the server runs on a fresh workspace in a temporary folder loaded with the
built-in sample (``serve --sample``) and the real default model: the target is 300 ms
per page. ``--home DIR`` serves an existing workspace instead (in place: the server may
write derived files there, as it does for any user, and the script adds and revokes one
key): the target is 500 ms, for a workspace of 100,000 postings.

Each page's first request (when the server computes what it then keeps, such as the
demand model's slices) is shown apart ("first") and left out of p50 and p95, which are
over the ``-n`` requests after it (``--warmup`` more untimed before them). Requests go
round-robin over the pages, so no page has the machine to itself for a stretch.

    python benchmarks/bench_pages.py [-n 20] [--warmup 1] [--home DIR] [--json PATH]
        [--only TEXT] [--ready-timeout 1200]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parents[1]
TARGET_SAMPLE_MS = 300.0  # every page's HTML on the built-in data, on two cores
TARGET_BIG_MS = 500.0  # with 100,000 postings
SKIPPED_PREFIXES = ("/v1", "/static", "/docs", "/redoc", "/openapi")
KEY_NAME = "bench_pages"

# Per route (as the app declares it), the cases: (label, query string). Placeholders are
# filled from the workspace (see values()). Routes not listed are fetched bare.
CASES: dict[str, list[tuple[str, str]]] = {
    "/": [("home", "")],
    "/counselor": [
        ("empty form", ""),
        ("interest (free text)", "q={title_q}"),
        ("target job, free only, in demand", "occupation={occupation}&free=1&in_demand=1"),
        ("target job, max cost and hours", "occupation={occupation}&max_cost=1000"
                                           "&max_hours=200&unknown_cost=1&unknown_hours=1"),
        ("skills the student has", "skill={skill_label_q}"),
        ("interest, by cost, page 2", "q={title_q}&sort=cost&page=2"),
        ("interest in a region", "q={title_q}&region={region_q}"),
    ],
    "/counselor/compare": [("two credentials", "ids={credential}&ids={credential2}"),
                           ("two, against a job", "ids={credential}&ids={credential2}"
                                                  "&occupation={occupation}")],
    "/counselor/pathway": [("empty form", ""), ("toward a job", "occupation={occupation}")],
    "/counselor/summary": [("a search", "occupation={occupation}"),
                           ("chosen credentials", "ids={credential}&ids={credential2}"
                                                  "&occupation={occupation}")],
    "/designer": [("form", "")],
    "/designer/report": [("a credential", "credential={credential}"),
                         ("a credential, against a job",
                          "credential={credential}&occupation={occupation}")],
    "/designer/report.html": [("download HTML", "credential={credential}")],
    "/designer/report.csv": [("download CSV", "credential={credential}")],
    "/designer/alignment-ob3.json": [("download OB3 JSON", "credential={credential}")],
    "/demand": [("default", ""), ("a region", "region={region_q}"),
                ("an occupation", "occupation={occupation}"),
                ("all time", "window=all")],
    "/demand/skill": [("a skill's series", "id={skill_id_q}"),
                      ("a skill by name", "skill={skill_label_q}"),
                      ("by quarter in a region",
                       "id={skill_id_q}&interval=quarter&region={region_q}")],
    "/employer": [("signed in", "")],
    "/employer/sign-in": [("sign-in form", "")],
    "/employer/imports": [("upload form", "")],
    "/employer/{plural}": [("own list", "")],
    "/employer/{plural}/new": [("new form", "")],
    "/employer/{plural}/{record_id}": [("one record", "")],
    "/employer/{plural}/{record_id}/edit": [("edit form", "")],
    "/employer/{plural}/{record_id}/delete": [("delete confirmation", "")],
}
PLURALS = {"needs": "need_id", "postings": "posting_id"}


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the server
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def skillmatch() -> list[str]:
    exe = Path(sys.executable).with_name("skillmatch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "skillmatch.cli"]


def cli(home: Path, *args: str) -> str:
    done = subprocess.run([*skillmatch(), "--home", str(home), *args], capture_output=True,
                          text=True, timeout=600)
    if done.returncode:
        raise SystemExit(f"skillmatch {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    ready_s: float = 0.0

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def start(home: Path, sample: bool, log: Path, timeout: float) -> Server:
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [*skillmatch(), "--home", str(home), "serve", "--host", "127.0.0.1", "--port",
            str(port), "--workers", "1", *(["--sample"] if sample else [])]
    say(f"starting: {' '.join(argv)} (log: {log})")
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(url, process, log)
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}):\n"
                             + log.read_text(errors="replace")[-3000:])
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/v1/ready", timeout=5).status_code == 200:
                server.ready_s = time.monotonic() - started
                return server
        time.sleep(0.25)
    server.stop()
    raise SystemExit(f"the server was not ready after {timeout:.0f} s:\n"
                     + log.read_text(errors="replace")[-3000:])


# ------------------------------------------------------------------ what to fetch
def page_routes(home: Path) -> list[str]:
    """The app's GET routes that are pages (not the API, static files or docs)."""
    from skillmatch.api import create_app
    from skillmatch.settings import Settings

    app = create_app(Settings(home=home))
    paths = [path for path, methods in walk(app.routes)
             if "GET" in methods and not path.startswith(SKIPPED_PREFIXES)]
    return list(dict.fromkeys(paths))


def walk(routes: list[Any], prefix: str = "") -> Any:
    """(path, methods) of every route, into included routers (FastAPI 0.16x keeps an
    included router as one entry holding the original router and its include prefix)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from walk(included.routes, prefix + getattr(context, "prefix", ""))
        elif getattr(route, "methods", None) and getattr(route, "path", None):
            yield prefix + route.path, set(route.methods)


def values(client: Any) -> dict[str, str]:
    """Representative values from the workspace, through the API."""
    def first(path: str) -> list[dict[str, Any]]:
        response = client.get(path, headers={"Accept": "application/json"})
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json().get("items", [])
        return items

    postings = first("/v1/postings?limit=1")
    if not postings:
        raise SystemExit("the workspace has no postings to take representative values from")
    posting = postings[0]
    employer = posting.get("employer") or ""
    credentials = first("/v1/credentials?limit=2")
    demand = client.get("/v1/demand?limit=1", headers={"Accept": "application/json"}).json()
    top = (demand.get("skills") or [{}])[0].get("skill", {})
    found = {
        "employer": employer,
        "occupation": posting.get("occupation_code") or "",
        "region": posting.get("region") or "",
        "title": posting.get("title") or "",
        "description": posting.get("description") or "",
        "credential": credentials[0]["id"] if credentials else "",
        "credential2": credentials[-1]["id"] if len(credentials) > 1 else "",
        "skill_id": top.get("id", ""),
        "skill_label": top.get("label", ""),
    }
    return found


def encoded(vals: dict[str, str]) -> dict[str, str]:
    """``vals`` with URL-encoded forms for query strings (``name_q``; ids and codes
    encoded under their own names too)."""
    out = dict(vals)
    for key, value in vals.items():
        out[f"{key}_q"] = quote_plus(value)
    for key in ("occupation", "credential", "credential2"):
        out[key] = quote_plus(vals[key])
    return out


def own_records(client: Any, key: str, vals: dict[str, str]) -> dict[str, str]:
    """A private need and posting of the employer, posted through the API with its key
    (what its record pages show; the workspace's imported records belong to no key):
    their ids as ``need_id`` and ``posting_id``."""
    auth = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    made = {}
    bodies = {
        "need_id": ("/v1/needs", {
            "role": vals["title"][:300] or "bench role", "occupation_code": vals["occupation"],
            "required_skills": [vals["skill_label"] or "teamwork"], "openings": 2,
            "region": vals["region"], "private": True}),
        "posting_id": ("/v1/postings", {
            "title": vals["title"][:300] or "bench posting",
            "description": vals["description"][:5000], "region": vals["region"],
            "occupation_code": vals["occupation"], "openings": 1, "private": True}),
    }
    for name, (path, body) in bodies.items():
        response = client.post(path, json={k: v for k, v in body.items() if v != ""},
                               headers=auth)
        if response.status_code >= 300:
            say(f"could not post a {name[:-3]} as the employer ({response.status_code}): "
                f"{response.text[:300]}")
            continue
        answer = response.json()
        record = answer.get("need") or answer.get("posting") or answer
        made[name] = str(record.get("id") or "")
    return made


def delete_own(client: Any, key: str, made: dict[str, str]) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    for name, path in (("need_id", "/v1/needs/"), ("posting_id", "/v1/postings/")):
        if made.get(name):
            client.delete(path + quote_plus(made[name]), headers=auth)


@dataclass
class Case:
    route: str
    label: str
    url: str
    employer: bool  # needs the signed-in session
    times: list[float] = field(default_factory=list)
    first_ms: float = 0.0
    status: int = 0
    size: int = 0
    kind: str = ""
    statuses: set[int] = field(default_factory=set)


def cases(routes: list[str], vals: dict[str, str], only: str) -> tuple[list[Case], list[str]]:
    """The requests to time: each route with each of its cases, path parameters and
    placeholders filled; what cannot be filled from this workspace is skipped."""
    out, skipped = [], []
    for route in routes:
        fills: list[dict[str, str]] = [{}]
        if "{plural}" in route:
            fills = [{"plural": plural, **({"record_id": vals[key]}
                                           if "{record_id}" in route else {})}
                     for plural, key in PLURALS.items()]
        for fill in fills:
            path = route
            for name, value in fill.items():
                path = path.replace("{" + name + "}", quote_plus(value))
            where = f"{route} [{fill['plural']}]" if fill else route
            if re.search(r"\{[^}]+\}", path):
                skipped.append(f"{where} (no value for its path parameters)")
                continue
            if any(not value for value in fill.values()):
                skipped.append(f"{where} (no such record in this workspace)")
                continue
            for label, query in CASES.get(route, [("bare (no case for it here)", "")]):
                names = [n for _, n, _, _ in string.Formatter().parse(query) if n]
                if any(not vals.get(n) for n in names):
                    skipped.append(f"{where} {label} (no value in this workspace)")
                    continue
                filled = query.format(**vals)
                url = path + (f"?{filled}" if filled else "")
                name = f"{label} [{fill['plural']}]" if fill else label
                if only and only not in url and only not in name:
                    continue
                out.append(Case(route, name, url, route.startswith("/employer")))
    return out, skipped


# ------------------------------------------------------------------ measuring
def sign_in(client: Any, key: str) -> bool:
    """Sign in on the employer pages with ``key`` (the form's hidden fields, CSRF
    included, sent back); True when the session cookie took."""
    form = client.get("/employer/sign-in")
    if form.status_code != 200:
        return False
    hidden = dict(re.findall(
        r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.text))
    hidden.update(key=key, next="/employer")
    response = client.post("/employer/sign-in", data=hidden)
    return response.status_code in (302, 303) and client.get("/employer").status_code == 200


def fetch(client: Any, case: Case) -> float:
    started = time.perf_counter()
    response = client.get(case.url)
    body = response.content
    elapsed = (time.perf_counter() - started) * 1000
    case.status = response.status_code
    case.statuses.add(response.status_code)
    case.size = len(body)
    case.kind = response.headers.get("content-type", "").split(";")[0]
    return elapsed


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def table(found: list[Case], target: float) -> str:
    width = max(len(f"{c.url}") for c in found) if found else 10
    width = min(max(width, 20), 90)
    head = (f"{'page':<{width}}  {'status':>6}  {'KB':>6}  {'first':>7}  {'p50':>7}  "
            f"{'p95':>7}  {'target':>7}  verdict")
    lines = [head, "-" * len(head)]
    for c in found:
        p50, p95 = pct(c.times, 50), pct(c.times, 95)
        status = "/".join(str(s) for s in sorted(c.statuses))
        verdict = "ok" if p95 <= target else "OVER"
        if not 200 <= c.status < 300:
            verdict = f"not a page: answered {c.status}"
        url = c.url if len(c.url) <= width else c.url[:width - 1] + "…"
        lines.append(f"{url:<{width}}  {status:>6}  {c.size / 1024:>6.1f}  "
                     f"{c.first_ms:>7.1f}  {p50:>7.1f}  {p95:>7.1f}  {target:>7.0f}  "
                     f"{verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed requests per page after the first (1)")
    parser.add_argument("--home", type=Path, help="an existing workspace to serve in place "
                        "(target 500 ms); default: a fresh one with the built-in sample "
                        "(target 300 ms)")
    parser.add_argument("--target-ms", type=float, help="override the target")
    parser.add_argument("--only", default="", help="only the pages whose URL or label "
                        "holds this text")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--ready-timeout", type=float, default=1200.0,
                        help="seconds to wait for /v1/ready (1200)")
    args = parser.parse_args()

    import httpx

    tmp = tempfile.TemporaryDirectory(prefix="bench-pages-")
    home = args.home.resolve() if args.home else Path(tmp.name) / "workspace"
    if args.home and not (home / "skillmatch.db").exists():
        raise SystemExit(f"{home} holds no skillmatch workspace (no skillmatch.db)")
    target = args.target_ms or (TARGET_BIG_MS if args.home else TARGET_SAMPLE_MS)
    server = start(home, sample=not args.home, log=Path(tmp.name) / "server.log",
                   timeout=args.ready_timeout)
    key_id, key, made = "", "", {}
    try:
        say(f"server ready in {server.ready_s:.1f} s at {server.url}")
        with httpx.Client(base_url=server.url, timeout=300,
                          headers={"Accept": "text/html"}) as client:
            vals = values(client)
            created = json.loads(cli(home, "keys", "create", "--role", "employer",
                                     "--employer", vals["employer"], "--name", KEY_NAME,
                                     "--format", "json"))
            key_id, key = created["id"], created["key"]
            try:
                made = own_records(client, key, vals)
                vals.update({"need_id": "", "posting_id": "", **made})
                signed = sign_in(client, key)
                say(f"employer pages as {vals['employer']!r}: "
                    + ("signed in" if signed else "sign-in failed (their figures are of "
                       "the redirect or error they answer)"))
                found, skipped = cases(page_routes(home), encoded(vals), args.only)
                if not found:
                    raise SystemExit("no page to fetch")
                say(f"{len(found)} page cases, {args.n} timed requests each")
                for case in found:
                    case.first_ms = fetch(client, case)
                for _ in range(args.warmup):
                    for case in found:
                        fetch(client, case)
                for _ in range(args.n):
                    for case in found:
                        case.times.append(fetch(client, case))
            finally:
                delete_own(client, key, made)
    finally:
        if key_id:
            with contextlib.suppress(SystemExit):
                cli(home, "keys", "revoke", key_id)
        server.stop()
    where = f"workspace {home}" if args.home else "the built-in sample (fresh workspace)"
    print(f"Pages' HTML on {where}: {args.n} requests each after the first, one worker, "
          f"{os.cpu_count()} CPUs; times in ms (request sent to last byte read)")
    print(table(found, target))
    failed = [c for c in found if not 200 <= c.status < 300]
    pages = [c for c in found if c not in failed]
    over = [c for c in pages if pct(c.times, 95) > target]
    print(f"\n{len(pages) - len(over)} of {len(pages)} pages within {target:.0f} ms at p95"
          + (f"; over: {', '.join(c.url for c in over)}" if over else ""))
    if failed:
        print("not answered 2xx (their figures are of that answer): "
              + ", ".join(f"{c.url} ({c.status})" for c in failed))
    if skipped:
        print("skipped: " + "; ".join(skipped))
    if args.json:
        args.json.write_text(json.dumps({
            "workspace": str(home) if args.home else "sample", "target_ms": target,
            "n": args.n, "server_ready_s": round(server.ready_s, 2),
            "pages": [{"route": c.route, "label": c.label, "url": c.url, "status": c.status,
                       "content_type": c.kind, "bytes": c.size,
                       "first_ms": round(c.first_ms, 2),
                       "p50_ms": round(pct(c.times, 50), 2),
                       "p95_ms": round(pct(c.times, 95), 2),
                       "max_ms": round(max(c.times), 2)} for c in found],
            "skipped": skipped}, indent=1))
    tmp.cleanup()


if __name__ == "__main__":
    main()
