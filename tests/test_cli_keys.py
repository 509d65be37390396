"""`skillmatch keys create|list|revoke`: a key shown once, listed without its secret,
revoked so that it stops working; bad options answered in one line."""

import json
import stat

from click.testing import CliRunner

from skillmatch.app import SkillMatch
from skillmatch.cli import main
from skillmatch.settings import Settings


def _cli(tmp_path):
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws"), "--embedder", "fake"]

    def invoke(*args: str):
        return runner.invoke(main, [*base, *args])

    return invoke


def test_create_list_revoke(tmp_path) -> None:
    invoke = _cli(tmp_path)
    made = invoke("keys", "create", "--role", "employer", "--employer", "Acme Clinic",
                  "--name", "job board")
    assert made.exit_code == 0, made.output
    first, key = made.output.splitlines()
    assert "(employer for Acme Clinic, job board) created" in first
    assert key.startswith("smk_") and len(key) == 56
    key_id = key.split("_")[1]
    admin = json.loads(invoke("keys", "create", "--role", "admin", "--format", "json").output)
    assert admin["role"] == "admin" and admin["key"].startswith(f"smk_{admin['id']}_")

    listed = invoke("keys", "list")
    assert listed.exit_code == 0
    assert key_id in listed.output and "Acme Clinic" in listed.output
    assert key not in listed.output and admin["key"] not in listed.output
    rows = json.loads(invoke("keys", "list", "--format", "json").output)
    assert [r["id"] for r in rows] == [key_id, admin["id"]]
    assert all("key" not in r and "hash" not in r for r in rows)

    home = tmp_path / "ws"
    assert stat.S_IMODE((home / "api-secret").stat().st_mode) == 0o600
    with SkillMatch(Settings(home=home, embedder="fake")) as engine:
        assert engine.keys.authenticate(key).employer == "Acme Clinic"
    revoked = invoke("keys", "revoke", key_id)
    assert revoked.exit_code == 0 and f"key {key_id}" in revoked.output
    assert "revoked at" in revoked.output
    with SkillMatch(Settings(home=home, embedder="fake")) as engine:
        assert engine.keys.authenticate(key) is None
        assert engine.keys.authenticate(admin["key"]).role == "admin"
    live = json.loads(invoke("keys", "list", "--live", "--format", "json").output)
    assert [r["id"] for r in live] == [admin["id"]]
    again = invoke("keys", "revoke", f"smk_{key_id}")  # the id as printed in the key
    assert again.exit_code == 0


def test_bad_requests_are_one_line(tmp_path) -> None:
    invoke = _cli(tmp_path)
    missing = invoke("keys", "create", "--role", "employer")
    assert missing.exit_code == 1
    assert missing.output.strip() == ("error: field 'employer': an employer key needs the "
                                      "employer it acts for")
    bound = invoke("keys", "create", "--role", "counselor", "--employer", "Acme")
    assert bound.exit_code == 1 and "only employer keys" in bound.output
    assert invoke("keys", "create", "--role", "root").exit_code == 2
    unknown = invoke("keys", "revoke", "nope")
    assert unknown.exit_code == 1 and unknown.output.strip() == "error: no API key with id 'nope'"
    assert "no keys" in invoke("keys", "list").output
