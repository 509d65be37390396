"""Real-data loaders: tiny files in the real layouts, and the real files when present."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from skillmatch.datasets import cip_programs, fix_mojibake, nyc_postings
from skillmatch.errors import InputError


def test_cip_programs_keep_six_digit_codes_in_use(tmp_path: Path) -> None:
    f = tmp_path / "CIPCode2020.csv"
    f.write_bytes(
        b'"CIPFamily","CIPCode","Action","CIPTitle","CIPDefinition"\r\n'
        b'="51",="51","No change","HEALTH.","Health programs."\r\n'
        b'="51",="51.0801","No change","Medical/Clinical Assistant.","A program that '
        b'prepares caf\xe9 staff."\r\n'
        b'="51",="51.0899","Deleted","Old.","Gone."\r\n')
    [p] = cip_programs(f)
    assert (p.id, p.title, p.type) == ("cip:51.0801", "Medical/Clinical Assistant", "program")
    assert p.description.endswith("café staff.")
    f.write_text("Code,Title\n1,x\n")
    with pytest.raises(InputError, match="missing column.*CIPCode"):
        cip_programs(f)


def test_nyc_postings_dedupe_on_job_id(tmp_path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Job ID", "Agency", "Business Title", "Job Description", "Preferred Skills",
                "# Of Positions", "Posting Date"])
    w.writerow(["1", "DEPT OF HEALTH", "Nurse", "Care for patients.   Take vitals.",
                "\u00e2\u20ac\u00a2 Spanish", "3", "2019-06-01T00:00:00.000"])
    w.writerow(["1", "DEPT OF HEALTH", "Nurse", "dup", "", "3", "2019-06-01T00:00:00.000"])
    w.writerow(["2", "DOE", "Teacher", "Teach.", "", "", ""])
    path = tmp_path / "nyc.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("nyc-jobs.csv", buf.getvalue())
    nurse, teacher = nyc_postings(path)
    assert nurse.id == "nyc:1" and nurse.openings == 3 and nurse.date_posted == "2019-06-01"
    assert "Take vitals." in nurse.description and "\u2022 Spanish" in nurse.description
    assert teacher.openings == 1 and teacher.date_posted is None
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="NYC Jobs export"):
        nyc_postings(tmp_path / "bad.zip")


def test_fix_mojibake_leaves_clean_text() -> None:
    assert fix_mojibake("plain text, café") == "plain text, café"


@pytest.mark.shared
def test_real_files(shared: Path) -> None:
    programs = cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
    assert len(programs) > 2_000
    postings = nyc_postings(shared / "nyc-jobs" / "nyc-jobs_2019-07-30.zip")
    assert len(postings) == 1_735  # distinct job ids, per the data README
