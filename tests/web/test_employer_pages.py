"""The employer pages through FastAPI's TestClient, on a small workspace (the API tests'
workspace: a tiny taxonomy, the flow catalogue, two employers' needs; fake embedder).

Sign-in with a good, a wrong, another role's and a revoked key; the session cookie's
flags; CSRF tokens missing or wrong (403, a page in plain words); posting a need and
seeing what it was understood as and who teaches it; correcting a link; listing,
editing and deleting one's own records, and another employer's answering 404; an
upload of postings and its result."""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from tests.api.conftest import build_workspace

FEED = Path(__file__).resolve().parents[1] / "data" / "formats" / "jobposting" / "feed.jsonl.gz"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEED = {"role": "Nurse aide", "required_skills": "CPR, take vital signs",
        "preferred_skills": "teamwork; night shifts", "openings": "2",
        "region": "TX-Houston", "occupation": "31-1131.00"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SkillMatch]:
    engine = build_workspace(tmp_path_factory.mktemp("employer-pages") / "ws")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def keys(engine: SkillMatch) -> dict[str, dict[str, Any]]:
    """Keys by name: each its row (``id``) and ``key``."""
    return {"acme": engine.keys.create("employer", employer="Acme Clinic"),
            "bayou": engine.keys.create("employer", employer="Bayou Senior Living"),
            "counselor": engine.keys.create("counselor"),
            "admin": engine.keys.create("admin")}


@pytest.fixture
def fresh(engine: SkillMatch) -> dict[str, Any]:
    """A key of an employer of its own (corrections apply to their employer's later
    writes: a test's must not change another's)."""
    import secrets

    return engine.keys.create("employer", employer=f"Employer {secrets.token_hex(3)}")


@pytest.fixture(scope="module")
def app(engine: SkillMatch) -> Any:
    from skillmatch.api import create_app

    app = create_app(engine=engine)
    with TestClient(app):  # the lifespan: the engine loaded once for the module
        assert app.state.readiness.wait(60), app.state.readiness.error
        yield app


@pytest.fixture
def web(app: Any) -> Iterator[TestClient]:
    """A browser of its own: no cookies from another test."""
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(web: TestClient, key: str, next: str = "/employer") -> Any:
    form = web.get("/employer/sign-in", params={"next": next})
    assert form.status_code == 200
    return web.post("/employer/sign-in", data={"csrf_token": token(form.text), "key": key,
                                               "next": next}, follow_redirects=False)


def signed_in(web: TestClient, key: str) -> str:
    """Sign in; the CSRF token of the signed-in session."""
    answer = sign_in(web, key)
    assert answer.status_code == 303, answer.text
    return token(web.get("/employer").text)


def cookie(response: Any) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    jar.load(response.headers["set-cookie"])
    return jar


def text_of(html: str) -> str:
    """The page's words, tags out, spaces squeezed (for reading it as a person would)."""
    main = html.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def post_need(web: TestClient, csrf: str, **fields: str) -> Any:
    return web.post("/employer/needs", data={"csrf_token": csrf, **NEED, **fields},
                    follow_redirects=False)


# ------------------------------------------------------------------ signing in
def test_pages_behind_sign_in_send_to_the_sign_in_page(web: TestClient) -> None:
    for path in ("/employer/needs", "/employer/postings/new", "/employer/imports",
                 "/employer/needs/n1"):
        answer = web.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/employer/sign-in?next=" + path)
    home = web.get("/employer")  # the navigation's link: the sign-in form itself
    assert home.status_code == 200 and 'name="key"' in home.text
    assert 'type="password"' in home.text and token(home.text)
    for path in ("/employer/needs", "/employer/needs/n1/delete", "/employer/imports"):
        refused = web.post(path, data={}, follow_redirects=False)
        assert refused.status_code in (303, 403), path  # never done without a session


def test_a_good_key_signs_in_with_a_safe_cookie(web: TestClient, keys: dict) -> None:
    bayou = keys["bayou"]
    answer = sign_in(web, bayou["key"], next="/employer/needs")
    assert answer.status_code == 303 and answer.headers["location"] == "/employer/needs"
    header = answer.headers["set-cookie"]
    assert "httponly" in header.lower() and "samesite=lax" in header.lower()
    assert "secure" not in header.lower()  # plain http here (see the https test)
    morsel = cookie(answer)["skillmatch_employer"]
    assert morsel["path"] == "/employer"  # the API and the other pages never see it
    assert bayou["key"] not in header and bayou["key"].split("_")[-1] not in header
    listed = web.get("/employer/needs")
    assert listed.status_code == 200
    words = text_of(listed.text)
    assert "Signed in as Bayou Senior Living" in words
    # the workspace's needs were imported by the command line: they are no employer's
    assert "You have no needs yet" in words and "Nursing Assistant" not in words
    assert listed.headers["cache-control"] == "no-store"


def test_the_cookie_is_secure_over_https(app: Any, keys: dict) -> None:
    with TestClient(app, base_url="https://testserver") as web:
        answer = sign_in(web, keys["acme"]["key"])
        assert answer.status_code == 303
        assert "secure" in answer.headers["set-cookie"].lower()


def test_a_wrong_key_or_another_roles_is_refused_in_plain_words(
        web: TestClient, keys: dict) -> None:
    for key in ("smk_00000000_" + "x" * 43, "not a key", keys["acme"]["key"] + "x"):
        answer = sign_in(web, key)
        assert answer.status_code == 400
        assert "That key was not accepted" in text_of(answer.text)
        assert "skillmatch_employer" not in answer.headers.get("set-cookie", "")
    answer = sign_in(web, keys["counselor"]["key"])
    assert answer.status_code == 403 and "This is a counselor key" in text_of(answer.text)
    assert web.get("/employer/needs", follow_redirects=False).status_code == 303
    assert sign_in(web, keys["admin"]["key"]).status_code == 303  # an admin may


def test_a_revoked_key_signs_its_sessions_out(web: TestClient, engine: SkillMatch) -> None:
    made = engine.keys.create("employer", employer="Acme Clinic", name="to revoke")
    signed_in(web, made["key"])
    assert web.get("/employer/needs").status_code == 200
    engine.keys.revoke(made["id"])
    answer = web.get("/employer/needs", follow_redirects=False)
    assert answer.status_code == 303 and "expired=1" in answer.headers["location"]
    page = web.get(answer.headers["location"])
    assert "Your session ended" in text_of(page.text)
    assert sign_in(web, made["key"]).status_code == 400  # and the key itself is refused


def test_a_tampered_cookie_is_no_session(web: TestClient, keys: dict) -> None:
    signed_in(web, keys["acme"]["key"])
    value = web.cookies.get("skillmatch_employer", path="/employer")
    assert value
    web.cookies.clear()
    web.cookies.set("skillmatch_employer", value[:-3] + "abc", path="/employer")
    assert web.get("/employer/needs", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(web: TestClient, keys: dict) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    answer = web.post("/employer/sign-out", data={"csrf_token": csrf},
                      follow_redirects=False)
    assert answer.status_code == 303
    assert 'skillmatch_employer=""' in answer.headers["set-cookie"] or \
        "max-age=0" in answer.headers["set-cookie"].lower()
    assert web.get("/employer/needs", follow_redirects=False).status_code == 303


def test_after_signing_in_only_our_own_pages(web: TestClient, keys: dict) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/counselor", "/employer\\x"):
        answer = sign_in(web, keys["acme"]["key"], next=target)
        assert answer.headers["location"] == "/employer", target


# ------------------------------------------------------------------ CSRF
def test_a_form_without_its_token_or_with_another_is_refused(
        app: Any, web: TestClient, keys: dict) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    for data in ({}, {"csrf_token": ""}, {"csrf_token": csrf[:-2] + "xx"}):
        answer = web.post("/employer/needs", data={**NEED, **data}, follow_redirects=False)
        assert answer.status_code == 403, data
        assert answer.headers["content-type"].startswith("text/html")
        words = text_of(answer.text)
        assert "reload the page" in words.lower() and "Traceback" not in answer.text
    # another session's token is not this one's
    with TestClient(app) as other:
        theirs = signed_in(other, keys["acme"]["key"])
    assert theirs != csrf
    answer = web.post("/employer/needs", data={**NEED, "csrf_token": theirs},
                      follow_redirects=False)
    assert answer.status_code == 403
    # signing in needs the visitor's token too (no login CSRF); signing in makes a new one
    with TestClient(app) as fresh:
        answer = fresh.post("/employer/sign-in", data={"key": keys["acme"]["key"]},
                            follow_redirects=False)
        assert answer.status_code == 403
        visitor = token(fresh.get("/employer/sign-in").text)
        assert fresh.post("/employer/sign-in", data={"csrf_token": visitor, "key": keys[
            "acme"]["key"]}, follow_redirects=False).status_code == 303
        assert token(fresh.get("/employer").text) != visitor
    assert web.post("/employer/sign-out", data={}, follow_redirects=False).status_code == 403


# ------------------------------------------------------------------ posting a need
def test_post_a_need_and_see_what_it_was_understood_as(
        web: TestClient, keys: dict, engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    form = web.get("/employer/needs/new")
    assert form.status_code == 200
    assert 'data-suggest-list="/v1/skills?q="' in form.text
    assert 'data-suggest="/v1/occupations?q="' in form.text
    for name in ("role", "required_skills", "preferred_skills", "openings", "region",
                 "occupation", "private"):
        assert f'<label for="f-{name}"' in form.text, name
    answer = post_need(web, csrf)
    assert answer.status_code == 303, text_of(answer.text)
    location = answer.headers["location"]
    assert location.startswith("/employer/needs/need:") and location.endswith("?posted=1")
    need_id = location.split("/")[-1].split("?")[0]
    page = web.get(location)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Your need is posted" in words
    # each phrase, the skill it was understood as, its taxonomy and score
    assert "CPR perform cardiopulmonary resuscitation s:cpr esco 1.00 required" in words
    assert "take vital signs take vital signs s:vitals esco 1.00 required" in words
    assert "teamwork work in teams s:teamwork esco 1.00 preferred" in words
    assert "Not linked" in words and "night shifts" in words
    # the credentials that teach them, and where they are offered
    credentials = words.split("Credentials that teach these skills", 1)[1]
    assert "Nurse Aide" in credentials and "Offered in person in TX-Houston" in credentials
    assert "free · 120 h" in credentials
    assert "Nursing Assistants 31-1131.00" in words  # the occupation, by its title
    # the same write path as the API: the employer's own, read back through the API
    stored = engine.writes.read("need", need_id, engine.keys.live(keys["acme"]["id"]))
    assert stored["owner"] == "Acme Clinic" and stored["openings"] == 2
    assert not stored["private"]


def test_an_occupation_typed_as_a_title_is_stored_as_its_code(
        web: TestClient, keys: dict, engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    answer = post_need(web, csrf, occupation="Nursing Assistants", private="on")
    assert answer.status_code == 303
    need_id = answer.headers["location"].split("/")[-1].split("?")[0]
    stored = engine.writes.read("need", need_id, engine.keys.live(keys["acme"]["id"]))
    assert stored["occupation_code"] == "31-1131.00" and stored["private"]
    assert "your organisation only (private)" in text_of(web.get(
        answer.headers["location"]).text)


def test_a_need_with_mistakes_is_shown_again_with_each_in_plain_words(
        web: TestClient, keys: dict) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    answer = post_need(web, csrf, required_skills="", preferred_skills=" , ",
                       openings="many")
    assert answer.status_code == 422
    words = text_of(answer.text)
    assert "Name at least one skill" in words and "Openings: a whole number" in words
    assert 'value="Nurse aide"' in answer.text  # what was typed is kept
    assert 'aria-invalid="true"' in answer.text
    answer = post_need(web, csrf, region="x" * 150)
    assert answer.status_code == 422 and "Region:" in text_of(answer.text)


# ------------------------------------------------------------------ corrections
def _need(web: TestClient, csrf: str, **fields: str) -> str:
    answer = post_need(web, csrf, **fields)
    assert answer.status_code == 303, text_of(answer.text)
    return str(answer.headers["location"].split("?")[0])


def test_correct_a_wrong_link_by_replacing_it(web: TestClient, fresh: dict) -> None:
    csrf = signed_in(web, fresh["key"])
    page = _need(web, csrf)
    answer = web.post(page + "/corrections", data={
        "csrf_token": csrf, "action": "replace", "skill": "s:teamwork", "taxonomy": "esco",
        "phrase": "teamwork", "with": "Weld metal parts", "note": "we weld"},
        follow_redirects=False)
    assert answer.status_code == 303, text_of(answer.text)
    assert "?corrected=" in answer.headers["location"]
    words = text_of(web.get(answer.headers["location"]).text)
    assert "Correction saved: “teamwork” now means weld metal parts instead of work in " \
        "teams" in words
    assert "pending review" in words
    # the corrected skill, said to be pending review
    assert "teamwork weld metal parts s:weld corrected, pending review esco 1.00 " \
        "preferred" in words
    assert "work in teams s:teamwork" not in words
    assert "Your corrections on this need Your words Was Now Review Made teamwork work in " \
        "teams weld metal parts pending" in words


def test_mark_a_link_wrong(web: TestClient, fresh: dict) -> None:
    csrf = signed_in(web, fresh["key"])
    page = _need(web, csrf, preferred_skills="teamwork")
    answer = web.post(page + "/corrections", data={
        "csrf_token": csrf, "action": "reject", "skill": "s:teamwork", "taxonomy": "esco",
        "phrase": "teamwork"})
    assert answer.status_code == 200
    words = text_of(answer.text)
    assert "is no longer linked to work in teams" in words
    assert "work in teams s:teamwork" not in words.split("Correction saved", 1)[1].split(
        "Your corrections")[0].replace("no longer linked to work in teams", "")
    assert "Not linked" in words and "teamwork" in words.split("Not linked", 1)[1]


def test_a_replacement_that_names_no_one_skill_asks_which(
        web: TestClient, fresh: dict) -> None:
    csrf = signed_in(web, fresh["key"])
    page = _need(web, csrf)
    base = {"csrf_token": csrf, "action": "replace", "skill": "s:cpr", "taxonomy": "esco",
            "phrase": "CPR"}
    answer = web.post(page + "/corrections", data={**base, "with": "vital"})
    assert answer.status_code == 422
    words = text_of(answer.text)
    assert "Which skill did you mean by “vital”?" in words and "take vital signs" in words
    assert 'name="with_code" value="s:vitals"' in answer.text
    chosen = web.post(page + "/corrections", data={**base, "with_code": "s:vitals",
                                                   "with_taxonomy": "esco"})
    assert chosen.status_code == 200 and "now means take vital signs" in text_of(chosen.text)
    nothing = web.post(page + "/corrections", data={
        **base, "skill": "s:vitals", "phrase": "take vital signs", "with": "zzqx"})
    assert nothing.status_code == 422 and "No skill matches “zzqx”" in text_of(nothing.text)
    wrong = web.post(page + "/corrections", data={**base, "skill": "s:nope", "action":
                                                  "reject"})
    assert wrong.status_code == 422 and "could not be made" in text_of(wrong.text)


# ------------------------------------------------------------------ own records
def test_list_edit_and_delete_own_needs(web: TestClient, keys: dict,
                                        engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["bayou"]["key"])
    page = _need(web, csrf, role="Night CNA", region="TX-Houston", date="2026-11-02")
    need_id = page.split("/")[-1]
    listed = text_of(web.get("/employer/needs").text)
    assert "Night CNA" in listed and "1 need." in listed
    form = web.get(page + "/edit")
    assert form.status_code == 200
    assert 'value="Night CNA"' in form.text and 'value="CPR, take vital signs"' in form.text
    assert 'value="2026-11-02"' in form.text and 'value="31-1131.00"' in form.text
    edited = web.post(page + "/edit", data={
        "csrf_token": csrf, "role": "Night CNA", "required_skills": "CPR",
        "preferred_skills": "", "openings": "5", "region": "TX-Houston",
        "occupation": "31-1131.00", "date": ""}, follow_redirects=False)
    assert edited.status_code == 303 and edited.headers["location"].endswith("?updated=1")
    principal = engine.keys.live(keys["bayou"]["id"])
    stored = engine.writes.read("need", need_id, principal)
    # a replacement (PUT): what the form left empty is gone
    assert stored["openings"] == 5 and stored["required_skills"] == ["CPR"]
    assert stored["preferred_skills"] == [] and stored["date"] is None
    assert stored["owner"] == "Bayou Senior Living"
    words = text_of(web.get(edited.headers["location"]).text)
    assert "Your changes are saved" in words and "take vital signs" not in words
    # deleting asks first, then deletes
    confirm = web.get(page + "/delete")
    assert confirm.status_code == 200 and "This cannot be undone" in text_of(confirm.text)
    assert engine.writes.read("need", need_id, principal)  # still there
    gone = web.post(page + "/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert gone.status_code == 303
    assert "Deleted" in text_of(web.get(gone.headers["location"]).text)
    assert web.get(page).status_code == 404


def test_another_employers_record_is_not_found(web: TestClient, keys: dict,
                                               engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    for path in ("/employer/needs/n1", "/employer/needs/n1/edit", "/employer/needs/n1/delete",
                 "/employer/needs/no-such-need", "/employer/other/x"):
        answer = web.get(path)
        assert answer.status_code == 404, path
        assert "nothing here among your records" in text_of(answer.text)
    for path, data in (("/employer/needs/n1/delete", {}),
                       ("/employer/needs/n1/edit", {"role": "x", "required_skills": "CPR"}),
                       ("/employer/needs/n1/corrections", {"skill": "s:cpr",
                                                           "action": "reject"})):
        answer = web.post(path, data={"csrf_token": csrf, **data})
        assert answer.status_code == 404, (path, answer.text[:300])
    assert engine.writes.read("need", "n1", None)["openings"] == 2  # untouched
    assert "Nursing Assistant" not in text_of(web.get("/employer/needs").text)


def test_add_a_posting_and_see_its_skills_with_their_words(
        web: TestClient, fresh: dict) -> None:
    csrf = signed_in(web, fresh["key"])
    answer = web.post("/employer/postings", data={
        "csrf_token": csrf, "title": "Clinic aide", "description": "You will take vital "
        "signs and perform CPR when needed.", "skills": "teamwork", "openings": "1",
        "region": "TX-Houston", "occupation": "", "date_posted": "2026-11-01"},
        follow_redirects=False)
    assert answer.status_code == 303, text_of(answer.text)
    words = text_of(web.get(answer.headers["location"]).text)
    assert "Clinic aide" in words and "the text" in words and "your list" in words
    assert "s:vitals" in words and "s:teamwork" in words
    assert "Clinic aide" in text_of(web.get("/employer/postings").text)
    missing = web.post("/employer/postings", data={"csrf_token": csrf, "title": ""})
    assert missing.status_code == 422 and "Give the posting a job title" in text_of(
        missing.text)


# ------------------------------------------------------------------ uploads
def _job(web: TestClient, location: str) -> str:
    for _ in range(200):
        page = web.get(location)
        assert page.status_code == 200
        if 'http-equiv="refresh"' not in page.text:
            return text_of(page.text)
        time.sleep(0.05)
    raise AssertionError(f"the job at {location} did not finish")


def test_upload_postings_and_see_the_result(web: TestClient, keys: dict,
                                            engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    form = web.get("/employer/imports")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    answer = web.post("/employer/imports", data={"csrf_token": csrf, "format": "auto"},
                      files={"file": (FEED.name, FEED.read_bytes(), "application/gzip")},
                      follow_redirects=False)
    assert answer.status_code == 303, text_of(answer.text)
    location = answer.headers["location"]
    words = _job(web, location)
    assert "Done" in words and "Created 3" in words and "Rejected 0" in words
    assert "Read as jobposting" in words
    postings = text_of(web.get("/employer/postings").text)
    rows = [json.loads(line) for line in gzip.decompress(FEED.read_bytes()).splitlines()]
    assert rows and all(str(r.get("title", "")) in postings for r in rows if r.get("title"))
    # a file with a bad row: the rejection and its reason
    bad = b"id,title,description,region\nacme-up:1,,no title here,TX-Houston\n"
    answer = web.post("/employer/imports", data={"csrf_token": csrf},
                      files={"file": ("postings.csv", bad, "text/csv")},
                      follow_redirects=False)
    words = _job(web, answer.headers["location"])
    assert "Rejected 1" in words and "line 2 title required value is missing" in words
    # another employer does not see the job
    other = TestClient(web.app)
    signed_in(other, keys["bayou"]["key"])
    assert other.get(location).status_code == 404
    listed = text_of(web.get("/employer/imports").text)
    assert FEED.name in listed and "postings.csv" in listed


def test_a_job_in_progress_reloads_itself(web: TestClient, keys: dict,
                                          engine: SkillMatch) -> None:
    signed_in(web, keys["acme"]["key"])
    engine.import_jobs.store.add("0123456789abcdef", owner="Acme Clinic",
                                 key_id=keys["acme"]["id"], filename="big.csv", size=10,
                                 params={"format": "auto", "dry_run": False})
    page = web.get("/employer/imports/0123456789abcdef")
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "Waiting to start" in text_of(page.text)


def test_an_upload_without_a_file_says_so(web: TestClient, keys: dict) -> None:
    csrf = signed_in(web, keys["acme"]["key"])
    answer = web.post("/employer/imports", data={"csrf_token": csrf},
                      files={"file": ("", b"", "application/octet-stream")})
    assert answer.status_code == 422 and "Choose a file" in text_of(answer.text)
    answer = web.post("/employer/imports", data={"csrf_token": csrf},
                      files={"file": ("empty.csv", b"", "text/csv")})
    assert answer.status_code == 422 and "The file is empty" in text_of(answer.text)
    answer = web.post("/employer/imports", files={"file": ("x.csv", b"a", "text/csv")})
    assert answer.status_code == 403


def test_pages_are_fast(web: TestClient, keys: dict) -> None:
    """Each page's HTML in well under 300 ms on the small workspace."""
    csrf = signed_in(web, keys["bayou"]["key"])
    page = _need(web, csrf)
    for path in ("/employer", "/employer/needs", "/employer/needs/new", page,
                 page + "/edit", "/employer/imports", "/employer/postings"):
        web.get(path)  # warm
        started = time.perf_counter()
        assert web.get(path).status_code == 200
        assert time.perf_counter() - started < 0.3, path


def test_an_administrator_sees_every_record_and_names_the_employer(
        web: TestClient, keys: dict, engine: SkillMatch) -> None:
    csrf = signed_in(web, keys["admin"]["key"])
    assert "Signed in as an administrator" in text_of(web.get("/employer").text)
    listed = text_of(web.get("/employer/needs").text)
    assert "Nursing Assistant" in listed and "Welder" in listed  # no employer's, imported
    assert "you are an administrator" in listed
    assert web.get("/employer/needs/n1").status_code == 200
    form = web.get("/employer/needs/new")
    assert '<label for="f-employer"' in form.text
    answer = post_need(web, csrf, employer="Lone Star Clinic")
    assert answer.status_code == 303, text_of(answer.text)
    need_id = answer.headers["location"].split("/")[-1].split("?")[0]
    stored = engine.writes.read("need", need_id, None)
    assert stored["employer"] == "Lone Star Clinic" and stored["owner"] == ""


def test_the_upload_form_says_its_limit(web: TestClient, keys: dict,
                                        engine: SkillMatch) -> None:
    signed_in(web, keys["acme"]["key"])
    page = web.get("/employer/imports").text
    # the app gives this page's uploads the upload limit (as /v1/imports), not the
    # limit on other request bodies
    most = engine.settings.api_max_upload_bytes
    assert most > engine.settings.api_max_body_bytes
    assert f'data-max-bytes="{most}"' in page and f"up to {most:,} bytes" in text_of(page)


def test_what_records_hold_is_escaped_and_only_web_links_are_links(
        web: TestClient, fresh: dict, keys: dict, engine: SkillMatch) -> None:
    admin = engine.keys.live(keys["admin"]["id"])
    assert admin is not None
    [made] = engine.writes.create("credential", [{
        "id": "cred:evil", "title": "CPR <b>now</b>", "provider": "<i>x</i>",
        "type": "badge", "description": "Learn to perform CPR.", "skills": ["s:cpr"],
        "url": "javascript:alert(1)", "cost": 5, "hours": 2}], admin, bulk=False)
    assert made.error is None, made.error
    csrf = signed_in(web, fresh["key"])
    page = web.get(_need(web, csrf, role="<script>alert(1)</script>",
                         required_skills="CPR")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "CPR &lt;b&gt;now&lt;/b&gt;" in page and "javascript:" not in page
