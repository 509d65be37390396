"""RecordStore.get: an unknown kind is the package's NotFoundError, not a KeyError."""

import pytest

from skillmatch.catalog.models import Credential
from skillmatch.errors import NotFoundError
from skillmatch.storage.db import connect
from skillmatch.storage.records_store import RecordStore


def test_get_of_an_unknown_kind_names_it_and_the_choices(tmp_path) -> None:
    conn = connect(tmp_path / "db.sqlite")
    store = RecordStore(conn)
    store.save_batch([(Credential(id="c1", title="Course"), [])])
    assert store.get("credential", "c1")["title"] == "Course"
    with pytest.raises(NotFoundError) as caught:
        store.get("program", "c1")
    message = str(caught.value)
    assert "'program'" in message
    assert all(kind in message for kind in ("credential", "posting", "need"))
    with pytest.raises(NotFoundError, match="no credential with id 'zz'"):
        store.get("credential", "zz")
    conn.close()
