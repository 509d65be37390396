"""Real-browser fixtures for the web pages: a real server, Debian's Chromium, axe-core.

Fixtures (session-scoped unless said):

- ``server``: a real ``skillmatch serve --sample --workers 1`` process on 127.0.0.1 and a
  free port, on a fresh workspace in a tmp dir loaded with the built-in sample (data/demo)
  and embedded with the real default model (ONNX ``skillmatch-minilm-v3``: what users
  get; the whole start, sample loaded and engine ready, takes about 8 s on two cores).
  It is a :class:`Server`: ``url``, ``home``, ``admin_key``, ``employer_key`` (a key of
  ``EMPLOYER``, an employer named in the sample; the sample's records were imported and
  belong to no key, so this key's own list holds only what tests post with it),
  ``employer``, and ``make_key(role, employer=None)`` for another key. The server is
  shared by every browser test of the session: a test that writes (an employer's need)
  should post its own records under names of its own and not count on being first.
  Killed at the end; its log is ``test-output/server.log``. ``base_url``,
  ``admin_key``, ``employer_key``: the same, one by one.
- ``browser``: Selenium driving Debian's Chromium headless (/usr/bin/chromium) through
  Debian's chromedriver (/usr/bin/chromedriver), never a download (Selenium Manager is
  not used: both paths are given, and ``SE_OFFLINE`` is set). Starts at desktop width.
- ``driver`` (per test): the same browser, cookies cleared and desktop width set: use it
  in tests so that one test's session (an employer signed in) does not leak into the
  next.
- ``screenshot``: ``screenshot(name)`` (or ``screenshot(driver, name)``) saves the whole
  page at phone width (390x844) and desktop width (1280x900) as
  ``test-output/screenshots/<name>-phone.png`` and ``<name>-desktop.png``.
- ``assert_accessible``: ``assert_accessible()`` (or ``assert_accessible(driver)``) runs
  axe-core (node_modules/axe-core, from package-lock.json: ``npm ci``) in the page and
  fails on serious or critical violations, listing each with the elements it found.

The same helpers are plain functions here too, importable with ``from .conftest import
...`` in a test module of tests/web: ``screenshot(driver, name)``,
``assert_accessible(driver)``, ``set_viewport(driver, "phone")``, ``goto(driver, url)``
(waits for the document), ``wait_for(driver, css)`` (the element once shown),
``console_errors(driver)`` (JavaScript errors and failed requests),
``emulate_print(driver)`` (print styles on screen) and ``print_pdf(driver, name)``
(Chromium's print to ``test-output/print/<name>.pdf``: the path and the page count).

Every test that uses ``server`` is marked ``model`` (the real embedder) and ``browser``
(``-m "not browser"`` leaves them out). Without Chromium, chromedriver, Selenium or
axe-core they are skipped with the reason, except under CI (``CI`` set), where that is
a failure: CI installs them (.ci/run).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("SKILLMATCH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SKILLMATCH_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")

# Selenium Manager must never fetch a browser or a driver: both paths are given below,
# and offline mode makes any attempt an error instead of a download.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

#: viewport sizes in CSS pixels: (width, height, mobile)
VIEWPORTS: dict[str, tuple[int, int, bool]] = {
    "phone": (390, 844, True),
    "desktop": (1280, 900, False),
}
#: the employer the ``employer_key`` acts for (named in the sample; owns no record there)
EMPLOYER = "Bayou Senior Living"
READY_TIMEOUT = 300.0  # s: a cold CI machine loads the sample and the model
BLOCKING = ("serious", "critical")
TIMINGS: dict[str, float] = {}


# ------------------------------------------------------------------ availability
def _unavailable(reason: str) -> None:
    """Skip locally; fail under CI, which installs everything the browser tests need."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _need_browser() -> None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            _unavailable(f"{path} not found: `apt-get install -y chromium chromium-driver` "
                         f"(Debian's {package}; .ci/run installs it)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _unavailable("selenium is not installed in this environment "
                     "(`pip install selenium`; the dev extra lists it)")


def _need_axe() -> str:
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS.relative_to(ROOT)} not found: run `npm ci` at the repository "
                     "root (make install does)")
    return AXE_JS.read_text(encoding="utf-8")


try:
    import selenium  # noqa: F401
except ImportError:  # the browser tests import it: leave them out, saying why (not in CI)
    if not os.environ.get("CI"):
        collect_ignore_glob = ["test_*_browser.py"]
        TIMINGS_NOTE = "browser tests left out: selenium is not installed (pip install selenium)"
    else:
        raise


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real server in Debian's headless Chromium "
        "(tests/web; runs in CI)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here not in Path(str(item.path)).parents:
            continue  # a conftest's hook sees the whole session's items
        names = getattr(item, "fixturenames", ())
        if any(n in names for n in ("server", "base_url", "admin_key", "employer_key")):
            item.add_marker(pytest.mark.model)
        if any(n in names for n in ("browser", "driver")):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    note = globals().get("TIMINGS_NOTE")
    if note:
        terminalreporter.write_line(note)
    if TIMINGS:
        said = ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items())
        terminalreporter.write_line(f"web test setup: {said}")


# ------------------------------------------------------------------ the server
@dataclass
class Server:
    """A running ``skillmatch serve`` and the keys made for it."""

    url: str
    home: Path
    process: subprocess.Popen[bytes]
    log: Path
    admin_key: str = ""
    employer_key: str = ""
    employer: str = EMPLOYER
    keys: dict[str, str] = field(default_factory=dict)

    def make_key(self, role: str, employer: str | None = None, name: str = "web tests"
                 ) -> str:
        """A new key of ``role`` (``employer`` for an employer key) on the workspace."""
        args = ["keys", "create", "--role", role, "--name", name, "--format", "json"]
        if employer:
            args += ["--employer", employer]
        done = _cli(self.home, *args)
        key: str = json.loads(done.stdout)["key"]
        return key

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _skillmatch() -> list[str]:
    exe = Path(sys.executable).with_name("skillmatch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "skillmatch.cli"]


def _env() -> dict[str, str]:
    """The environment a user has: none of the test run's SKILLMATCH_* settings (the
    workspace is given by --home), offline for the model hubs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLMATCH_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    return env


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*_skillmatch(), "--home", str(home), *args], env=_env(),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"skillmatch {' '.join(args)} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            code: int = response.status
            return code
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the server we started (its own process group), politely and then not."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def start_server(home: Path, log: Path, timeout: float = READY_TIMEOUT,
                 extra_args: tuple[str, ...] = ()) -> Server:
    """Start ``skillmatch serve --sample --workers 1`` on ``home`` and a free port; wait
    until /v1/ready says 200. Raises with the log's tail if it exits or times out."""
    log.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):  # another process may take the free port before uvicorn
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*_skillmatch(), "--home", str(home), "serve", "--sample", "--host",
                 "127.0.0.1", "--port", str(port), "--workers", "1", *extra_args],
                env=_env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=ROOT)
        server = Server(url=url, home=home, process=process, log=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _status(f"{url}/v1/ready") == 200:
                return server
            time.sleep(0.2)
        _stop(process)
        tail = server.log_tail()
        if "address already in use" in tail.lower():
            continue
        raise RuntimeError(f"skillmatch serve was not ready at {url} after "
                           f"{timeout:.0f} s (exit {process.returncode}):\n{tail}")
    raise RuntimeError(f"no free port for skillmatch serve:\n{server.log_tail()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real server on the built-in sample, with an admin and an employer key."""
    home = tmp_path_factory.mktemp("web") / "workspace"
    log = OUTPUT / "server.log"
    log.unlink(missing_ok=True)
    started = time.monotonic()
    srv = start_server(home, log)
    TIMINGS["server ready (sample loaded, real model)"] = time.monotonic() - started
    try:
        srv.admin_key = srv.make_key("admin")
        srv.employer_key = srv.make_key("employer", EMPLOYER)
        srv.keys = {"admin": srv.admin_key, "employer": srv.employer_key}
        yield srv
    finally:
        _stop(srv.process)


@pytest.fixture(scope="session")
def base_url(server: Server) -> str:
    return server.url


@pytest.fixture(scope="session")
def admin_key(server: Server) -> str:
    return server.admin_key


@pytest.fixture(scope="session")
def employer_key(server: Server) -> str:
    return server.employer_key


# ------------------------------------------------------------------ the browser
def make_browser() -> Any:
    """Debian's Chromium, headless, through Debian's chromedriver; desktop width."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--disable-extensions", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US",
                "--force-device-scale-factor=1", "--hide-scrollbars",
                "--window-size=1280,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    set_viewport(driver, "desktop")
    return driver


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _need_browser()
    started = time.monotonic()
    driver = make_browser()
    TIMINGS["chromium started"] = time.monotonic() - started
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def driver(browser: Any, server: Server) -> Any:
    """The session's browser with no cookies and at desktop width, for one test."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    set_viewport(browser, "desktop")
    browser.get_log("browser")  # what earlier tests left in the console is theirs
    return browser


def set_viewport(driver: Any, size: str) -> None:
    """Make the page's viewport exactly ``phone`` (390x844, a mobile device: the page's
    viewport meta applies) or ``desktop`` (1280x900)."""
    width, height, mobile = VIEWPORTS[size]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def goto(driver: Any, url: str, timeout: float = 30) -> None:
    """Open ``url`` and wait for the document to be complete."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for(driver: Any, css: str, timeout: float = 10, visible: bool = True) -> Any:
    """The first element matching ``css`` once it is there (and shown, by default)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    condition = (ec.visibility_of_element_located if visible
                 else ec.presence_of_element_located)((By.CSS_SELECTOR, css))
    return WebDriverWait(driver, timeout).until(condition)


def emulate_print(driver: Any, on: bool = True) -> None:
    """Apply the page's print styles (``@media print``) on screen, or stop."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if on else ""})


def print_pdf(driver: Any, name: str, paper: str = "letter") -> tuple[Path, int]:
    """Print the page as Chromium does (print styles, US letter or ``a4``) to
    ``test-output/print/<name>.pdf``; the path and the number of pages."""
    import base64

    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = ((21.59, 27.94) if paper == "letter"
                                               else (21.0, 29.7))
    options.background = True
    data = base64.b64decode(driver.print_page(options))
    out = OUTPUT / "print" / f"{_safe(name)}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    return out, pages


def console_errors(driver: Any, ignore: tuple[str, ...] = ("/favicon.ico",)) -> list[str]:
    """The browser console's errors since the last call (JavaScript errors, failed
    requests), less those whose message holds one of ``ignore`` (by default the
    browser's own request for a favicon, which the layout does not name)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry.get("level") == "SEVERE"
            and not any(text in entry["message"] for text in ignore)]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"


def screenshot(driver: Any, name: str, sizes: tuple[str, ...] = ("phone", "desktop"),
               max_height: int = 12000) -> list[Path]:
    """Save the whole page (not just the viewport) at each of ``sizes`` as
    ``test-output/screenshots/<name>-<size>.png``; the page is left at desktop width."""
    import base64

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        for size in sizes:
            width, height, _mobile = VIEWPORTS[size]
            set_viewport(driver, size)
            driver.execute_script("return document.body && document.body.offsetHeight")
            full = driver.execute_script(
                "return Math.max(document.documentElement.scrollHeight,"
                " document.body ? document.body.scrollHeight : 0)")
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width,
                         "height": min(max(int(full or height), height), max_height),
                         "scale": 1}})
            path = SCREENSHOTS / f"{_safe(name)}-{size}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            saved.append(path)
    finally:
        set_viewport(driver, "desktop")
    return saved


_AXE_RUN = """
const done = arguments[arguments.length - 1];
const options = arguments[0];
axe.run(document, options)
  .then(r => done(JSON.stringify({violations: r.violations, incomplete: r.incomplete.length,
                                   passes: r.passes.length, url: r.url})))
  .catch(e => done(JSON.stringify({error: String(e && e.stack || e)})));
"""


def axe_results(driver: Any, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """axe-core's results for the page as it is now (the rules of WCAG 2.x A and AA and
    axe's best practices, axe's defaults)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_axe_source())
    raw = driver.execute_async_script(_AXE_RUN, options or {"resultTypes": ["violations"]})
    results: dict[str, Any] = json.loads(raw)
    if "error" in results:
        raise RuntimeError(f"axe-core failed in the page: {results['error']}")
    return results


_AXE_CACHE: list[str] = []


def _axe_source() -> str:
    if not _AXE_CACHE:
        _AXE_CACHE.append(_need_axe())
    return _AXE_CACHE[0]


def describe_violations(violations: list[dict[str, Any]], nodes: int = 5) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", [])[:nodes]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary[:300]}")
            html = " ".join((node.get("html") or "").split())
            lines.append(f"       {html[:200]}")
        if len(v.get("nodes", [])) > nodes:
            lines.append(f"    ... and {len(v['nodes']) - nodes} more")
    return "\n".join(lines)


def assert_accessible(driver: Any, name: str | None = None,
                      disable: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run axe-core in the page; fail listing every serious or critical violation.
    Lesser ones are printed (pytest shows them with -rA or on failure). With ``name``,
    the full results go to ``test-output/axe/<name>.json``. ``disable``: axe rule ids
    to leave out (say why where you do)."""
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results = axe_results(driver, options)
    if name:
        out = OUTPUT / "axe" / f"{_safe(name)}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    violations = results["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    lesser = [v for v in violations if v.get("impact") not in BLOCKING]
    if lesser:
        print(f"axe-core, not blocking, on {driver.current_url}:\n"
              + describe_violations(lesser, nodes=2))
    assert not blocking, (f"axe-core: {len(blocking)} serious or critical accessibility "
                          f"violation(s) on {driver.current_url}:\n"
                          + describe_violations(blocking))
    return results


@pytest.fixture(name="screenshot")
def screenshot_fixture(browser: Any) -> Callable[..., list[Path]]:
    """``screenshot(name)`` of the session's browser, or ``screenshot(driver, name)``."""
    def shoot(*args: Any, **kwargs: Any) -> list[Path]:
        if len(args) == 1 and isinstance(args[0], str):
            return screenshot(browser, args[0], **kwargs)
        return screenshot(*args, **kwargs)
    return shoot


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture(browser: Any) -> Callable[..., dict[str, Any]]:
    """``assert_accessible()`` on the session's browser's page, or
    ``assert_accessible(driver)``; the keyword arguments of :func:`assert_accessible`."""
    _need_axe()

    def check(*args: Any, **kwargs: Any) -> dict[str, Any]:
        if args and not isinstance(args[0], str):
            return assert_accessible(*args, **kwargs)
        return assert_accessible(browser, *args, **kwargs)
    return check


__all__ = ["EMPLOYER", "VIEWPORTS", "Server", "assert_accessible", "axe_results",
           "console_errors", "emulate_print", "free_port", "goto", "make_browser",
           "print_pdf", "screenshot", "set_viewport", "start_server", "wait_for"]
