"""Corrections of linked skills (services/corrections.py, catalog/corrections.py): the
record corrected at once in one transaction with its change (demand in another process
follows), the employer's later writes corrected by the pipeline (API writes and command
line imports of its records alike), other employers' not until an admin accepts, the
employer's own correction over an accepted one, reapply in one transaction, rejected
ones kept as the employer's own, a failed correction writing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillmatch.app import SkillMatch
from skillmatch.catalog.corrections import Corrector
from skillmatch.errors import ConflictError, InputError, NotFoundError
from skillmatch.services.keys import Principal
from skillmatch.storage import changes
from skillmatch.storage.corrections_store import CorrectionStore
from tests.api.conftest import api_settings, build_workspace
from tests.conftest import tiny_bundle

ACME = Principal("k-acme", "employer", "Acme Clinic")
BAYOU = Principal("k-bayou", "employer", "Bayou Senior Living")
ADMIN = Principal("k-admin", "admin")
CPR_TO_LESSON = {"skill": "s:cpr", "phrase": "CPR", "action": "replace", "with": "s:lesson"}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[SkillMatch]:
    engine = build_workspace(tmp_path / "ws")
    yield engine
    engine.close()


def post_need(engine: SkillMatch, principal: Principal, need_id: str,
              *phrases: str) -> dict[str, Any]:
    [result] = engine.writes.create("need", [{"id": need_id, "required_skills": list(
        phrases or ["CPR", "take vital signs"])}], principal, bulk=False)
    assert result.error is None, result.error
    assert result.answer is not None
    return result.answer


def skills(engine: SkillMatch, kind: str, record_id: str) -> list[tuple[str, str]]:
    return sorted((s["id"], s["evidence"]["text"]) for s in
                  engine.record(kind, record_id)["skills"])


def demand_postings(engine: SkillMatch, skill: str) -> int:
    rows = engine.demand(top=50)["skills"]
    return next((r["postings"] for r in rows if r["skill"]["id"] == skill), 0)


def test_a_correction_rewrites_its_record_with_one_change_and_demand_follows(engine) -> None:
    post_need(engine, ACME, "acme:1")
    with SkillMatch(api_settings(engine.settings.home)) as other:  # another process
        lessons, cpr = demand_postings(other, "s:lesson"), demand_postings(other, "s:cpr")
        before = changes.generation(engine.conn)
        made = engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)
        assert made["correction"]["status"] == "pending"
        assert made["correction"]["applied"] == 1 and made["correction"]["employer"] == \
            "Acme Clinic"
        assert made["correction"]["with"]["label"] == "plan lessons"
        assert skills(engine, "need", "acme:1") == [("s:lesson", "CPR"),
                                                    ("s:vitals", "take vital signs")]
        assert made["record"]["skills"] == engine.record("need", "acme:1")["skills"]
        [change] = changes.since(engine.conn, before)
        row_id = engine.record("need", "acme:1")["id"]
        assert (change.scope, change.kind, change.op, change.row_id) == (
            "record", "need", "upsert", row_id)
        assert demand_postings(other, "s:lesson") == lessons + 1
        assert demand_postings(other, "s:cpr") == cpr - 1


def test_the_employers_later_writes_follow_it_and_no_one_elses(engine, tmp_path) -> None:
    post_need(engine, ACME, "acme:1")
    engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)
    later = post_need(engine, ACME, "acme:2", "cpr.", "take vital signs")
    assert [u["id"] for u in later["understood"]] == ["s:lesson", "s:vitals"]
    posting = engine.writes.create("posting", [{
        "id": "acme:p", "title": "Nurse aide",
        "description": "Must know CPR and take vital signs."}],
        ACME, bulk=False)[0].answer
    assert posting is not None
    linked = {s["id"] for s in posting["posting"]["skills"]}
    assert "s:cpr" not in linked and "s:lesson" in linked  # linked text, same phrase
    assert ("s:cpr", "CPR") in skills(engine, "need", post_need(
        engine, BAYOU, "bayou:1")["need"]["code"])
    # a command-line import: of an Acme record (its stored owner's corrections apply),
    # of a record of no employer (not theirs)
    path = tmp_path / "more.jsonl"
    path.write_text("\n".join(json.dumps(n) for n in (
        {"id": "acme:2", "employer": "Acme Clinic", "required_skills": ["CPR"], "openings": 5},
        {"id": "cli:1", "employer": "Somebody", "required_skills": ["CPR"]})))
    engine.import_records("need", path)
    assert skills(engine, "need", "acme:2") == [("s:lesson", "CPR")]
    assert engine.record("need", "acme:2")["owner"] == "Acme Clinic"
    assert skills(engine, "need", "cli:1") == [("s:cpr", "CPR")]


def test_a_rejected_link_leaves_the_phrase_not_linked(engine) -> None:
    post_need(engine, ACME, "acme:1", "teamwork", "CPR")
    made = engine.corrections.create("need", "acme:1", {"skill": "s:teamwork",
                                                        "action": "reject"}, ACME)
    assert made["correction"]["phrase"] == "teamwork"  # the skill's only phrase
    assert skills(engine, "need", "acme:1") == [("s:cpr", "CPR")]
    later = post_need(engine, ACME, "acme:2", "Teamwork", "CPR")
    assert later["not_linked"] == ["Teamwork"]
    assert [u["id"] for u in later["understood"]] == ["s:cpr"]


def test_accepting_applies_to_everyone_and_reapply_rewrites_stored_records(engine) -> None:
    post_need(engine, ACME, "acme:1")
    post_need(engine, BAYOU, "bayou:old")
    cid = engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)["correction"]["id"]
    accepted = engine.corrections.accept(cid, ADMIN, note="yes")
    assert (accepted["status"], accepted["reapplied"], accepted["reviewed_by"]) == (
        "accepted", 0, "k-admin")
    assert ("s:cpr", "CPR") in skills(engine, "need", "bayou:old")  # not without reapply
    assert [u["id"] for u in post_need(engine, BAYOU, "bayou:new", "CPR")["understood"]] \
        == ["s:lesson"]
    with pytest.raises(ConflictError):
        engine.corrections.accept(cid, ADMIN)
    # reapply: every stored posting and need linking the phrase to the skill, at once,
    # one change per record rewritten
    cid = engine.corrections.create("need", "acme:1", {
        "skill": "s:vitals", "action": "replace", "with": "s:teamwork"}, ACME)[
        "correction"]["id"]
    engine.corrections.reject(cid, ADMIN)
    before = changes.generation(engine.conn)
    with_vitals = [(kind, r["code"]) for kind in ("need", "posting")
                   for r in engine.list_records(kind, limit=None)["records"]
                   if ("s:vitals", "take vital signs") in [
                       (s, t.lower()) for s, t in skills(engine, kind, r["code"])]]
    assert ("need", "n1") in with_vitals and ("need", "bayou:old") in with_vitals
    assert ("posting", "p0") in with_vitals  # linked from its text: "Take vital signs"
    accepted = engine.corrections.accept(cid, ADMIN, reapply=True)
    assert accepted["reapplied"] == len(with_vitals)
    assert accepted["applied"] == 1 + len(with_vitals)
    assert len(changes.since(engine.conn, before)) == len(with_vitals)  # one transaction
    for kind, rid in with_vitals:
        assert "s:vitals" not in {s for s, _ in skills(engine, kind, rid)}
        assert "s:teamwork" in {s for s, _ in skills(engine, kind, rid)}


def test_an_employers_own_correction_wins_over_an_accepted_one(engine) -> None:
    post_need(engine, ACME, "acme:1")
    post_need(engine, BAYOU, "bayou:1")
    theirs = engine.corrections.create("need", "bayou:1", {
        "skill": "s:cpr", "action": "replace", "with": "s:vitals"}, BAYOU)
    # CPR now names vital signs, which the need had: one mention of the skill
    assert [s for s, _ in skills(engine, "need", "bayou:1")] == ["s:vitals"]
    cid = engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)["correction"]["id"]
    post_need(engine, BAYOU, "bayou:2", "CPR")
    engine.corrections.accept(cid, ADMIN, reapply=True)
    assert skills(engine, "need", "bayou:2") == [("s:vitals", "CPR")]
    assert [u["id"] for u in post_need(engine, BAYOU, "bayou:3", "CPR")["understood"]] == \
        ["s:vitals"]
    assert theirs["correction"]["status"] == "pending"


def test_a_rejected_correction_stays_the_employers_own(engine) -> None:
    post_need(engine, ACME, "acme:1")
    cid = engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)["correction"]["id"]
    rejected = engine.corrections.reject(cid, ADMIN, note="too broad")
    assert (rejected["status"], rejected["review_note"]) == ("rejected", "too broad")
    assert [u["id"] for u in post_need(engine, ACME, "acme:2", "CPR")["understood"]] == \
        ["s:lesson"]
    assert [u["id"] for u in post_need(engine, BAYOU, "bayou:1", "CPR")["understood"]] == \
        ["s:cpr"]


def test_what_a_correction_may_touch_and_name(engine) -> None:
    post_need(engine, ACME, "acme:1")
    post_need(engine, BAYOU, "bayou:1")
    for principal, record in ((BAYOU, "acme:1"), (ACME, "n1"), (ACME, "nothing")):
        with pytest.raises(NotFoundError, match=f"no need with id '{record}'"):
            engine.corrections.create("need", record, CPR_TO_LESSON, principal)
    for body, field in (({**CPR_TO_LESSON, "skill": "s:weld"}, "skill"),
                        ({**CPR_TO_LESSON, "phrase": "resuscitation"}, "phrase"),
                        ({**CPR_TO_LESSON, "with": "s:nothing"}, "with"),
                        ({**CPR_TO_LESSON, "with": "s:cpr"}, "with"),
                        ({**CPR_TO_LESSON, "action": "erase"}, "action"),
                        ({"skill": "s:cpr", "action": "reject", "with": "s:lesson"}, "with")):
        with pytest.raises(InputError) as caught:
            engine.corrections.create("need", "acme:1", body, ACME)
        assert caught.value.field == field, body
    with pytest.raises(InputError, match="postings and needs"):
        engine.corrections.create("credential", "cna", CPR_TO_LESSON, ADMIN)
    assert CorrectionStore(engine.conn).page()[0] == 0  # none of those was stored
    cid = engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)["correction"]["id"]
    with pytest.raises(NotFoundError):
        engine.corrections.get(cid, BAYOU)
    assert engine.corrections.list(BAYOU)["total"] == 0
    assert engine.corrections.list(ACME)["total"] == 1
    assert engine.corrections.list(ADMIN, status="pending")["total"] == 1
    assert engine.corrections.list(ADMIN, status="accepted")["total"] == 0
    assert engine.corrections.list(ADMIN, employer="Bayou Senior Living")["total"] == 0


def test_a_failed_rewrite_stores_nothing(engine) -> None:
    post_need(engine, ACME, "acme:1")
    before = changes.generation(engine.conn)

    def changed_meanwhile(owner: str, mentions: list) -> tuple[list, int]:
        raise ConflictError("the need changed meanwhile")

    with pytest.raises(ConflictError):
        CorrectionStore(engine.conn).create(
            {"record_kind": "need", "record_code": "acme:1", "owner": "Acme Clinic",
             "phrase": "CPR", "norm": "cpr", "taxonomy": "esco", "skill_code": "s:cpr",
             "action": "reject"}, "Acme Clinic", changed_meanwhile)
    assert changes.generation(engine.conn) == before
    assert CorrectionStore(engine.conn).page()[0] == 0
    assert ("s:cpr", "CPR") in skills(engine, "need", "acme:1")


def test_corrections_keep_their_skills_when_a_taxonomy_is_imported_again(engine) -> None:
    post_need(engine, ACME, "acme:1")
    engine.corrections.create("need", "acme:1", CPR_TO_LESSON, ACME)
    engine.taxonomies.save(tiny_bundle("esco"), replace=True)  # new skill row ids
    ids = {s.code: s.id for s in engine.taxonomies.skills(["esco"])}
    corrector = Corrector.load(engine.conn)
    assert corrector is not None
    [rule] = corrector.rules("Acme Clinic").values()
    assert (rule.norm, rule.skill_id, rule.replacement) == ("cpr", ids["s:cpr"],
                                                            ids["s:lesson"])
    assert corrector.rules("Bayou Senior Living") == {}
