"""Reading record files: plain, gzip-compressed and zipped."""

import gzip
import json
import zipfile

import pytest

from skillmatch.catalog.readers import read_records
from skillmatch.errors import InputError

POSTINGS = [{"id": f"p{i}", "title": "Welder", "description": "MIG welding of steel parts.",
             "region": "OH-Columbus"} for i in range(3)]
CSV = "id,title,cost\nc1,Nurse Aide,0\nc2,Welding I,900\n"


def jsonl(rows) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def test_gzip_jsonl_and_csv(tmp_path) -> None:
    (tmp_path / "postings.jsonl.gz").write_bytes(gzip.compress(jsonl(POSTINGS).encode()))
    records = read_records("posting", tmp_path / "postings.jsonl.gz")
    assert [r.id for r in records] == ["p0", "p1", "p2"]
    assert records[0].region == "OH-Columbus"
    (tmp_path / "credentials.csv.gz").write_bytes(gzip.compress(CSV.encode()))
    creds = read_records("credential", tmp_path / "credentials.csv.gz")
    assert [(c.id, c.cost) for c in creds] == [("c1", 0.0), ("c2", 900.0)]


def test_gzip_errors_name_the_file_and_line(tmp_path) -> None:
    bad = jsonl(POSTINGS[:1]) + "{not json\n"
    (tmp_path / "p.jsonl.gz").write_bytes(gzip.compress(bad.encode()))
    with pytest.raises(InputError, match=r"p\.jsonl\.gz, line 2, column 2: invalid JSON"):
        read_records("posting", tmp_path / "p.jsonl.gz")
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(jsonl(POSTINGS).encode())[:30])
    with pytest.raises(InputError, match=r"broken\.jsonl\.gz: .*gzip"):
        read_records("posting", tmp_path / "broken.jsonl.gz")
    (tmp_path / "plain.jsonl.gz").write_text(jsonl(POSTINGS))
    with pytest.raises(InputError, match="not a gzip file"):
        read_records("posting", tmp_path / "plain.jsonl.gz")


def zipped(path, members: dict[str, str]):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def test_zip_with_one_record_file(tmp_path) -> None:
    path = zipped(tmp_path / "export.zip", {"data/postings.jsonl": jsonl(POSTINGS),
                                             "__MACOSX/data/._postings.jsonl": "junk",
                                             "data/README.pdf": "%PDF"})
    assert len(read_records("posting", path)) == 3
    creds = zipped(tmp_path / "c.zip", {"c.csv": CSV.replace("c2,Welding I,900", "c2,,900")})
    with pytest.raises(InputError, match=r"c\.zip!c\.csv, line 3, field 'title'"):
        read_records("credential", creds)


def test_zip_with_several_files_lists_them_unless_one_is_named_for_the_kind(tmp_path) -> None:
    path = zipped(tmp_path / "nyc.zip", {"nyc-jobs.csv": CSV, "metadata.json": "{}"})
    with pytest.raises(InputError) as exc:
        read_records("credential", path)
    message = str(exc.value)
    assert "2 files" in message and "nyc-jobs.csv, metadata.json" in message
    assert "nyc.zip!nyc-jobs.csv" in message  # how to choose one
    chosen = read_records("credential", f"{path}!nyc-jobs.csv")
    assert [c.id for c in chosen] == ["c1", "c2"]
    with pytest.raises(InputError, match=r"no member 'nope\.csv' \(it holds nyc-jobs\.csv, "):
        read_records("credential", f"{path}!nope.csv")
    named = zipped(tmp_path / "export.zip", {"credentials.csv": CSV, "notes.csv": "a,b\n1,2\n"})
    assert len(read_records("credential", named)) == 2
    empty = zipped(tmp_path / "empty.zip", {"README.txt": "nothing"})
    with pytest.raises(InputError, match=r"no CSV or JSON Lines file in the zip \(it holds "
                                         r"README\.txt\)"):
        read_records("credential", empty)
    (tmp_path / "fake.zip").write_text("not a zip")
    with pytest.raises(InputError, match="not a zip archive"):
        read_records("credential", tmp_path / "fake.zip")
