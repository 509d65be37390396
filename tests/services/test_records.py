"""Stored records (services.records): the record kind is checked before anything runs."""

from __future__ import annotations

import pytest

from skillmatch.app import RECORD_KINDS
from skillmatch.errors import InputError
from skillmatch.services.records import check_kind


def test_check_kind_names_the_valid_kinds() -> None:
    assert [check_kind(k) for k in RECORD_KINDS] == ["credential", "posting", "need"]
    with pytest.raises(InputError, match="credential, posting, need") as err:
        check_kind("postings")
    assert err.value.field == "kind" and "'postings'" in str(err.value)


@pytest.mark.parametrize("call", [
    lambda app: app.record("course", "c1"),
    lambda app: app.list_records("course"),
    lambda app: app.delete_records("course", ["c1"]),
    lambda app: app.import_records("course", [object()]),
])
def test_an_unknown_kind_is_an_input_error_on_every_path(app, call) -> None:
    with pytest.raises(InputError, match="unknown record kind 'course'"):
        call(app)
