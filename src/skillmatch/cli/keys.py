"""``skillmatch keys create|list|revoke``: the HTTP API's keys.

A key is shown once, when it is made; the workspace keeps only its HMAC under the server
secret (``SKILLMATCH_API_SECRET``, else the workspace's ``api-secret`` file), so a lost
key cannot be shown again: revoke it and make another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from ..services.keys import ROLES
from ._common import _app, _emit, _format_option


@click.group(help="API keys of the HTTP API: admin, employer (bound to one employer), "
             "designer, counselor.")
def keys() -> None:
    pass


@keys.command("create", help="Make a key and print it (shown this once).")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="admin: taxonomies, catalogue, keys, review; employer: its own "
              "postings and needs; designer, counselor: reads.")
@click.option("--employer", default="", help="The employer an employer key acts for.")
@click.option("--name", default="", help="What the key is for (shown in lists).")
@_format_option()
@click.pass_context
def create(ctx: click.Context, role: str, employer: str, name: str, fmt: str) -> None:
    data = _app(ctx).keys.create(role, employer=employer, name=name)
    _emit(data, fmt, lambda d: [
        f"key {d['id']} ({_who(d)}) created; it is shown this once, keep it secret:",
        d["key"],
    ])


@keys.command("list", help="Every key: id, role, employer, name, when made and revoked.")
@click.option("--live", is_flag=True, help="Only keys not revoked.")
@_format_option()
@click.pass_context
def list_(ctx: click.Context, live: bool, fmt: str) -> None:
    data = _app(ctx).keys.list(revoked=not live)
    _emit(data, fmt, _table)


@keys.command("revoke", help="Revoke a key by its id (it stops working at once, in every "
              "worker).")
@click.argument("key_id")
@_format_option()
@click.pass_context
def revoke(ctx: click.Context, key_id: str, fmt: str) -> None:
    data = _app(ctx).keys.revoke(key_id)
    _emit(data, fmt, lambda d: [f"key {d['id']} ({_who(d)}) revoked at {d['revoked_at']}"])


def _who(row: dict[str, Any]) -> str:
    who = f"{row['role']} for {row['employer']}" if row["employer"] else row["role"]
    return f"{who}, {row['name']}" if row["name"] else who


def _table(rows: list[dict[str, Any]]) -> Iterable[str]:
    if not rows:
        yield "no keys (make one: skillmatch keys create --role admin)"
        return
    yield f"{'id':<9} {'role':<9} {'employer':<28} {'name':<20} {'created':<25} revoked"
    for r in rows:
        yield (f"{r['id']:<9} {r['role']:<9} {r['employer'][:28]:<28} {r['name'][:20]:<20} "
               f"{r['created_at']:<25} {r['revoked_at'] or '-'}")
