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


def _etpl_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    from skillmatch.datasets import ETPL_COLUMNS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ProviderName", *ETPL_COLUMNS])
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_etpl_reads_numeric_codes(tmp_path: Path) -> None:
    from skillmatch.datasets import read_etpl

    f = _etpl_xlsx(tmp_path / "etpl.xlsx", [
        # provider, id, name, CIP, description, credential, ONET 1..3
        ["ACC", 1, "Nurse Aide", 513902.0, "Nurse aide training", "CNA", 31101400.0,
         "31-1131.00", None],
        ["ACC", "2", "Welding", "10605 ", "Welding.", "Certificate", "51412100", None, None],
        ["ACC", 3, "Coding", None, "", "Web Developer", "15112200.0", 15112200, None],
        [None, None, None, None, None, None, None, None, None],
    ])
    a, b, c = read_etpl(f)
    assert (a.line, a.program_id, a.cip, a.onet_codes) == (2, "1", "51.3902",
                                                           ("31-1014.00", "31-1131.00"))
    assert a.text == "Nurse Aide. CNA. Nurse aide training"
    assert (b.cip, b.onet_codes) == ("01.0605", ("51-4121.00",))
    assert (c.cip, c.onet_codes, c.text) == (None, ("15-1122.00",), "Coding. Web Developer")


def test_etpl_bad_cells_name_row_and_column(tmp_path: Path) -> None:
    from skillmatch.datasets import read_etpl

    f = _etpl_xlsx(tmp_path / "etpl.xlsx", [
        ["ACC", 1, "Nurse Aide", 513902, "x", "CNA", 31101400, None, None],
        ["ACC", 2, "Welding", 480508, "x", "Cert", None, "welder", None],
    ])
    with pytest.raises(InputError, match=r"line 3, column Occupation Code \(ONET 2\): "
                                         r"'welder' is not an O\*NET-SOC code"):
        read_etpl(f)
    f = _etpl_xlsx(tmp_path / "etpl2.xlsx", [["ACC", 1, "Nurse", "51.39x", "x", "C", None,
                                               None, None]])
    with pytest.raises(InputError, match=r"line 2, column Instructional Program \(CIP\) Code"):
        read_etpl(f)
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Program Name", "Associated Credential Name"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match="missing column.*Associted Credential Name"):
        read_etpl(tmp_path / "bad.xlsx")
    (tmp_path / "not.xlsx").write_text("hello")
    with pytest.raises(InputError, match="not an xlsx"):
        read_etpl(tmp_path / "not.xlsx")


@pytest.mark.shared
def test_real_etpl(shared: Path) -> None:
    from skillmatch.datasets import read_etpl

    programs = read_etpl(shared / "twc-etpl" / "twc_etpl_2024-10-02.xlsx")
    assert len(programs) == 6245
    assert len({c for p in programs for c in p.onet_codes}) == 633  # as the data README says
    assert sum(1 for p in programs if p.cip) == 6212
