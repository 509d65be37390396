"""Cursors: opaque, tied to their list, checked."""

from __future__ import annotations

import pytest

from skillmatch.api import pagination
from skillmatch.errors import InputError


def test_cursor_round_trip() -> None:
    cursor = pagination.encode("posting", 41)
    assert "41" not in cursor and "=" not in cursor
    assert pagination.decode("posting", cursor) == 41
    assert pagination.decode("posting", None) == 0 and pagination.decode("posting", "") == 0


@pytest.mark.parametrize("cursor", [
    pagination.encode("need", 3),  # another list's
    "not-base64!", "e30", "eyJrIjoicG9zdGluZyIsImEiOi0xfQ",  # {}, a negative position
])
def test_bad_cursors_name_the_field(cursor) -> None:
    with pytest.raises(InputError) as bad:
        pagination.decode("posting", cursor)
    assert bad.value.field == "cursor"
