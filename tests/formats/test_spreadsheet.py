"""Spreadsheets read through a column mapping (skillmatch.formats.spreadsheet), on
small fixtures and, marked ``shared``, on the real Texas ETPL and NYC Jobs files."""

from __future__ import annotations

import csv
import gzip
import logging
import tempfile
import tracemalloc
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillmatch.catalog.models import Credential, Posting
from skillmatch.errors import InputError
from skillmatch.formats.base import Notes, Rejected
from skillmatch.formats.mapping import Mapping, load_mapping, parse_mapping
from skillmatch.formats.spreadsheet import dry_run, read_spreadsheet

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "spreadsheet"
PROGRAMS = DATA / "programs_multiline_header.csv"
POSTINGS = DATA / "postings.tsv"
MAPPINGS = ROOT / "data" / "mappings"

PROGRAM_MAP = [
    "id='prog' ~ \"Program ID\"",
    'title="Program Name"',
    'provider="Provider"',
    r'type="Credential\nType"',
    'description="Program \\"Short\\" Description" ~ "Associated Credential Name"',
    'cost="Required Cost: Tuition & Fees" + "Books & Supplies"',
    'hours="Length: Contact Hours"',
    'delivery="Delivery Method"',
    'region="Campus State" ~ "Campus City"',
    'occupation_codes="O*NET 1" | "O*NET 2" | "O*NET 3"',
    'meta.cip=cip("CIP Code")',
    'meta.weeks=weeks("Length: Weeks")',
    'meta.other_costs=cost("Other Costs")',
    'meta.listed_since=date("Listed Since")',
    "values.type.\"Associates Degree\"='degree'",
]
CROSSWALK = {"31-1014.00": ["31-1131.00"], "15-1134.00": ["15-1254.00", "15-1255.00"],
             "15-1132.00": ["15-1252.00"], "15-2041.00": ["15-2041.00"],
             "15-1199.08": ["15-2051.00"], "53-3032.00": ["53-3032.00"],
             "29-2052.00": ["29-2052.00"], "51-4121.06": ["51-4121.06"],
             "49-9021.01": ["49-9021.00"]}


def read_all(path: Path, kind: str, mapping: Mapping, **kw) -> tuple[list, list, Notes]:
    notes = Notes()
    items = list(read_spreadsheet(path, kind, mapping, notes=notes, **kw))
    return ([i for i in items if not isinstance(i, Rejected)],
            [i for i in items if isinstance(i, Rejected)], notes)


# ------------------------------------------------------------------ a CSV of programs


def test_csv_with_multiline_headers_imports_and_rejects_row_by_row():
    records, rejected, notes = read_all(PROGRAMS, "credentials", parse_mapping(PROGRAM_MAP))
    assert [r.id for r in records] == ["prog:1001", "prog:1002", "prog:1003", "prog:1006",
                                       "prog:1007"]
    assert all(isinstance(r, Credential) for r in records)
    why = {(r.where, r.field): r.reason for r in rejected}
    assert set(why) == {("row 5", "cost"), ("row 6", "hours"), ("row 10", "title"),
                        ("row 11", "hours")}
    assert why["row 5", "cost"] == ("'call for pricing' is not a cost (expected US dollars "
                                    "like 1200, $1,200 or $500 - $750, or Free) (column "
                                    '"Required Cost: Tuition & Fees")')
    assert "'ERROR' is not a duration" in why["row 6", "hours"]
    assert why["row 10", "title"] == ('required value is missing (column "Program Name" is '
                                      "empty)")
    assert "'about a month' is not a duration" in why["row 11", "hours"]
    assert all(r.path == str(PROGRAMS) for r in rejected)
    assert notes.unused_fields == {"Pell Eligible": 5, "Provider Notes": 1}


def test_each_field_as_read_from_the_csv():
    records, _, _ = read_all(PROGRAMS, "credentials", parse_mapping(PROGRAM_MAP))
    cna, web, data, weld, lead = records
    assert (cna.title, cna.provider, cna.type, cna.cost, cna.hours, cna.delivery,
            cna.region) == ("Certified Nursing Assistant", "Gulf Coast Community College",
                            "certificate", 1350.0, 120.0, "in person", "TX-Houston")
    assert cna.description == ("Basic patient care, vital signs and infection control in "
                               "long-term care settings.\nState Nurse Aide Certification")
    assert cna.occupation_codes == ["31-1014.00"]
    assert cna.meta["cip"] == "51.3902" and cna.meta["weeks"] == 6.0
    assert cna.meta["listed_since"] == "2021-02-12" and cna.meta["hours_text"] == (
        "120 Contact Hours")
    assert cna.meta["source"] == {"format": "spreadsheet", "path": str(PROGRAMS),
                                  "where": "row 2"}
    assert cna.meta["unmapped"] == {"Pell Eligible": "Yes", "Provider Notes":
                                    "Clinical rotation at a partner nursing home."}
    assert (web.cost, web.meta["cost_range"], web.meta["other_costs"]) == (500.0,
                                                                         [500.0, 750.0], 75.0)
    assert (web.hours, web.meta["hours_range"]) == (20.0, [20.0, 30.0])
    assert web.delivery == "online" and web.meta["cip"] == "11.0801"
    assert web.occupation_codes == ["15-1134.00", "15-1132.00"]
    assert (data.cost, data.meta["cost_free_audit"], data.hours) == (199.0, True, None)
    assert data.meta["hours_weeks"] == 6.0 and data.occupation_codes == ["15-2051.00",
                                                                         "15-2041.00"]
    assert weld.type == "degree" and weld.cost == 9880.0 and weld.delivery == "in person"
    assert weld.meta["other_costs"] == 300.0 and weld.meta["other_costs_range"] == [300, 450]
    assert lead.type == "other" and lead.meta["original_type"] == "Micro-credential"
    assert lead.cost == 0.0 and lead.hours == 45.0


def test_crosswalk_maps_2010_codes_and_reports_unresolved_ones():
    records, _, notes = read_all(PROGRAMS, "credentials", parse_mapping(PROGRAM_MAP),
                                 crosswalk=CROSSWALK)
    by_id = {r.id: r for r in records}
    assert by_id["prog:1001"].occupation_codes == ["31-1131.00"]
    assert by_id["prog:1002"].occupation_codes == ["15-1254.00", "15-1255.00", "15-1252.00"]
    assert by_id["prog:1002"].meta["occupation_codes_2010"] == {
        "15-1134.00": ["15-1254.00", "15-1255.00"], "15-1132.00": ["15-1252.00"]}
    assert by_id["prog:1007"].occupation_codes == ["11-1000.00"]
    assert by_id["prog:1007"].meta["unresolved_occupation_codes"] == ["11-1000.00"]
    assert notes.counts["occupation code read through the O*NET-SOC 2010 to 2019 "
                        "crosswalk"] == 3
    assert notes.counts["occupation code in neither O*NET-SOC 2019 nor 2010 (kept as "
                        "written)"] == 1


def test_missing_markers_turn_error_cells_into_unknown_values():
    mapping = parse_mapping([*PROGRAM_MAP, "options.missing='ERROR'"])
    records, rejected, notes = read_all(PROGRAMS, "credentials", mapping)
    pharm = next(r for r in records if r.id == "prog:1005")
    assert pharm.hours is None and "weeks" not in pharm.meta and pharm.cost == 2710.0
    assert notes.counts["\"Length: Contact Hours\": 'ERROR' read as empty"] == 1
    assert notes.counts["\"Length: Weeks\": 'ERROR' read as empty"] == 1
    assert len(rejected) == 3


def test_no_id_mapping_uses_the_file_name_and_row():
    records, _, notes = read_all(PROGRAMS, "credentials",
                                 parse_mapping(['title="Program Name"']))
    assert records[0].id == "programs_multiline_header:2" and len(records) == 8
    assert notes.counts["id made of the file name and row (map id for stable ids)"] == 8


def test_unmapped_cells_counted_and_kept_only_when_short():
    mapping = parse_mapping(['title="Program Name"', "id=\"Program ID\"",
                             "options.keep_unmapped='10'"])
    records, _, notes = read_all(PROGRAMS, "credentials", mapping)
    kept = records[0].meta["unmapped"]
    assert all(len(str(v)) <= 10 for v in kept.values())
    assert kept["Books & Supplies"] == "$150" and kept["Length: Weeks"] == "6 Weeks"
    assert "Provider" not in kept and notes.unused_fields["Provider"] == 8
    records, _, notes = read_all(PROGRAMS, "credentials", parse_mapping(
        ['title="Program Name"', "options.keep_unmapped='0'"]))
    assert "unmapped" not in records[0].meta and notes.unused_fields["Provider"] == 8


def test_an_unknown_column_fails_before_any_row_naming_the_option_and_the_columns():
    mapping = parse_mapping(['title="Program Name"', 'cost="Tuition & Fees" + "Books"'])
    with pytest.raises(InputError) as info:
        next(iter(read_spreadsheet(PROGRAMS, "credentials", mapping)))
    text = str(info.value)
    assert text.startswith("--map option 2")
    assert 'no column "Tuition & Fees"' in text and "did you mean" in text
    assert '"Books &\\nSupplies"' in text  # the columns, as a mapping would write them


def test_dry_run_shows_the_first_rows_with_their_rejections():
    shown = dry_run(PROGRAMS, "credentials", parse_mapping(PROGRAM_MAP), n=5)
    assert [s["row"] for s in shown] == ["row 2", "row 3", "row 4", "row 5", "row 6"]
    assert shown[0]["record"]["title"] == "Certified Nursing Assistant"
    assert shown[3]["rejected"]["field"] == "cost"
    assert dry_run(PROGRAMS, "credentials", parse_mapping(PROGRAM_MAP), n=1)[0]["row"] == (
        "row 2")


# ------------------------------------------------------------------ a TSV of postings

POSTING_MAP = [
    "id='nyc' ~ \"Job ID\"", 'title="Business Title"', 'employer="Agency"',
    'description="Job Description" ~ "Preferred Skills"', "region='NY-New York'",
    'date_posted="Posting Date"', 'openings="# Of Positions"',
    'occupation_code="O*NET Code"', 'meta.salary_from=number("Salary Range From")',
    'meta.posting_type="Posting Type"', "options.repair_text='true'",
]


def test_tsv_postings_deduplicated_repaired_and_rejected_row_by_row():
    records, rejected, notes = read_all(POSTINGS, "postings", parse_mapping(POSTING_MAP))
    assert [r.id for r in records] == ["nyc:301122", "nyc:298410", "nyc:299003"]
    assert all(isinstance(r, Posting) for r in records)
    analyst, worker, engineer = records
    assert analyst.description == ("Analyze surveillance data and prepare weekly reports.\n"
                                   "Work with program staff to define indicators.\n"
                                   "• Proficiency in SQL and R.\n"
                                   "• Experience with Tableau dashboards.")
    assert (analyst.date_posted, analyst.openings, analyst.occupation_code) == (
        "2019-03-14", 2, "15-2051.00")
    assert analyst.meta["posting_type"] == "Internal" and analyst.meta["salary_from"] == 62000
    assert worker.date_posted == "2019-05-01" and worker.openings == 12
    assert worker.description == ("Repair boilers, pumps and heating equipment citywide.\n"
                                  "Respond to service disruptions.")
    assert engineer.openings == 1 and engineer.occupation_code == "17-2051.00"
    assert notes.counts["duplicate id skipped (its first row is imported)"] == 1
    why = {(r.where, r.field): r.reason for r in rejected}
    assert set(why) == {("row 5", "openings"), ("row 6", "date_posted")}
    assert "'sometime in spring' is not a date" in why["row 6", "date_posted"]
    assert notes.unused_fields == {"Salary Range To": 3, "Residency Requirement": 2}
    assert "Residency Requirement" not in analyst.meta.get("unmapped", {})  # over 200 chars
    assert worker.meta["unmapped"] == {"Salary Range To": "54580.32",
                                       "Residency Requirement": "Residency is not required."}


def test_unique_id_off_keeps_every_row():
    records, _, _ = read_all(POSTINGS, "postings",
                             parse_mapping([*POSTING_MAP, "options.unique_id='false'"]))
    assert [r.id for r in records].count("nyc:301122") == 2


def test_a_posting_crosswalk_keeps_one_code_and_the_rest_in_meta():
    records, _, _ = read_all(POSTINGS, "postings", parse_mapping(POSTING_MAP),
                             crosswalk={"15-2041.00": ["15-2041.00", "15-2051.00"]})
    assert records[0].occupation_code == "15-2051.00"
    assert records[1].occupation_code == "49-9071.00"
    assert records[1].meta["unresolved_occupation_codes"] == ["49-9071.00"]


# ------------------------------------------------------------------ other containers


def write_xlsx(path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["This workbook lists approved programs."])
    sheet = book.create_sheet("Programs")
    sheet.append(["Statewide list of approved programs"])
    sheet.append(["Extract date: 2024-03-20"])
    sheet.append(["Program ID", "Program Name", "Tuition", "Books", "ONET 1", "CIP",
                  "Start Date", None])
    sheet.append([32211, "Electrician Apprenticeship", 5600, 1983.5, 47211100.0, 460302.0,
                  datetime(2021, 2, 12, 16, 6)])
    sheet.append([32212, "Medical Coding", "$2,400", None, "29207100", 510713.0,
                  datetime(2022, 7, 1)])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append([32213, "Forklift Operator", "twelve hundred", None, None, None, None])
    book.save(path)


XLSX_MAP = ["id=\"Program ID\"", 'title="Program Name"', 'cost="Tuition" + "Books"',
            'occupation_codes="ONET 1"', 'meta.cip=cip("CIP")',
            'meta.start=date("Start Date")', "options.header_row='3'",
            "options.sheet='Programs'"]


def test_xlsx_read_only_with_banner_rows_a_named_sheet_and_stored_numbers(tmp_path):
    path = tmp_path / "programs.xlsx"
    write_xlsx(path)
    records, rejected, _ = read_all(path, "credentials", parse_mapping(XLSX_MAP))
    assert [r.id for r in records] == ["32211", "32212"]
    first, second = records
    assert first.cost == 7583.5 and first.occupation_codes == ["47-2111.00"]
    assert first.meta["cip"] == "46.0302" and first.meta["start"] == "2021-02-12"
    assert first.meta["source"] == {"format": "spreadsheet", "path": str(path),
                                    "where": "row 4", "sheet": "Programs"}
    assert second.cost == 2400.0 and second.occupation_codes == ["29-2071.00"]
    assert [(r.where, r.field) for r in rejected] == [("row 7", "cost")]


def test_xlsx_sheet_argument_and_an_unknown_sheet(tmp_path):
    path = tmp_path / "programs.xlsx"
    write_xlsx(path)
    mapping = parse_mapping(XLSX_MAP[:-1])
    with pytest.raises(InputError, match="empty sheet 'Read me': no header in row 3"):
        list(read_spreadsheet(path, "credentials", mapping))  # the first sheet by default
    records, _, _ = read_all(path, "credentials", mapping, sheet="Programs")
    assert len(records) == 2
    with pytest.raises(InputError, match="no sheet 'Courses' \\(its sheets: Read me, "
                                         "Programs\\)"):
        list(read_spreadsheet(path, "credentials", mapping, sheet="Courses"))


def test_gzip_csv_and_encodings(tmp_path):
    mapping = parse_mapping(PROGRAM_MAP)
    gz = tmp_path / "programs.csv.gz"
    gz.write_bytes(gzip.compress(PROGRAMS.read_bytes()))
    assert len(read_all(gz, "credentials", mapping)[0]) == 5
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + PROGRAMS.read_bytes())
    assert len(read_all(bom, "credentials", mapping)[0]) == 5
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Name;Provider\nSoldadura básica;Escuela Técnica\n".encode("cp1252"))
    records, _, _ = read_all(latin, "credentials", parse_mapping(['title="Name"',
                                                                  'provider="Provider"']))
    assert records[0].title == "Soldadura básica" and records[0].provider == "Escuela Técnica"


def test_a_wrong_or_unknown_encoding_option_is_an_input_error(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Name\nSoldadura básica\n".encode("latin-1"))
    with pytest.raises(InputError, match="not a readable utf-8 CSV.*options.encoding"):
        list(read_spreadsheet(latin, "credentials", parse_mapping(
            ['title="Name"', "options.encoding='utf-8'"])))
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        list(read_spreadsheet(latin, "credentials", parse_mapping(
            ['title="Name"', "options.encoding='klingon'"])))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]),
                                 max_size=15), min_size=0, max_size=6), max_size=8))
def test_any_csv_reads_as_records_and_rejections_or_an_input_error(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["Name", "Cost", "Hours", "Code"], *rows])
        mapping = parse_mapping(['title="Name"', 'cost="Cost"', 'hours="Hours"',
                                 'occupation_codes="Code"'])
        try:
            items = list(read_spreadsheet(path, "credentials", mapping))
        except InputError:
            return
        assert all(isinstance(i, (Credential, Rejected)) for i in items)


def test_zip_member_chosen_by_option_or_by_being_the_only_spreadsheet(tmp_path):
    mapping = parse_mapping(POSTING_MAP)
    many = tmp_path / "export.zip"
    with zipfile.ZipFile(many, "w") as z:
        z.write(POSTINGS, "jobs.tsv")
        z.writestr("dictionary.xlsx", b"not really")
        z.writestr("metadata.json", "{}")
    with pytest.raises(InputError, match="no single spreadsheet in the zip.*options.member"):
        list(read_spreadsheet(many, "postings", mapping))
    member = parse_mapping([*POSTING_MAP, "options.member='jobs.tsv'"])
    records, _, _ = read_all(many, "postings", member)
    assert len(records) == 3 and records[0].meta["source"]["member"] == "jobs.tsv"
    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w") as z:
        z.write(POSTINGS, "jobs.tsv")
    assert len(read_all(one, "postings", mapping)[0]) == 3


def test_empty_and_header_only_files(tmp_path):
    mapping = parse_mapping(['title="Name"'])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file: no header"):
        list(read_spreadsheet(empty, "credentials", mapping))
    header = tmp_path / "header.csv"
    header.write_text("Name,Provider\n", encoding="utf-8")
    assert list(read_spreadsheet(header, "credentials", mapping)) == []


def test_files_that_are_not_spreadsheets(tmp_path):
    mapping = parse_mapping(['title="Name"'])
    for name, content, message in [("old.xls", b"\xd0\xcf", "old .xls"),
                                   ("notes.pdf", b"%PDF", "not a spreadsheet"),
                                   ("fake.xlsx", b"plain text", "not an xlsx workbook"),
                                   ("fake.zip", b"plain text", "not a zip file")]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError, match=message):
            list(read_spreadsheet(path, "credentials", mapping))
    with pytest.raises(InputError, match="no such file"):
        list(read_spreadsheet(tmp_path / "missing.csv", "credentials", mapping))
    with pytest.raises(InputError, match="unknown record kind 'badges'"):
        list(read_spreadsheet(PROGRAMS, "badges", mapping))


def test_memory_stays_flat_on_a_large_file(tmp_path):
    path = tmp_path / "large.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Program ID", "Program Name", "Tuition", "Hours", "Description"])
        for i in range(10_000):
            w.writerow([i, f"Program {i}", f"${1000 + i:,}", "40 hours",
                        "Hands-on training in safety, tools and procedures. " * 24])
    mapping = parse_mapping(['id="Program ID"', 'title="Program Name"', 'cost="Tuition"',
                             'hours="Hours"', 'description="Description"',
                             "options.unique_id='false'"])
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_spreadsheet(path, "credentials", mapping))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    assert path.stat().st_size > 12_000_000 and peak < 3_000_000, peak


# ------------------------------------------------------------------- the real files


def onet_crosswalk(shared: Path) -> dict[str, list[str]]:
    from skillmatch.taxonomy.crosswalk import read_onet_2010_pairs, to_mapping

    pairs = read_onet_2010_pairs(shared / "onet-soc-crosswalks" / "2010_to_2019_Crosswalk.csv")
    return {k: sorted(v) for k, v in to_mapping(pairs).items()}


def onet_occupations(shared: Path) -> set[str]:
    path = shared / "onet-29.2-text" / "Occupation Data.txt"
    with path.open(encoding="utf-8") as f:
        return {line.split("\t", 1)[0] for line in f if line[:2].isdigit()}


def summary(name: str, records: list, rejected: list, notes: Notes) -> None:
    """What the lead's closing note needs, printed with -s and logged."""
    lines = [f"{name}: {len(records)} records, {len(rejected)} rejected"]
    lines += [f"  rejected {n}: {why}" for why, n in Counter(
        f"{r.field}: {r.reason}" for r in rejected).most_common()]
    lines += [f"  note {n}: {what}" for what, n in sorted(notes.counts.items())]
    lines += [f"  unused column {what!r}: {n} rows" for what, n in notes.unused_fields.items()]
    print("\n".join(lines))
    log.info("\n".join(lines))


@pytest.mark.shared
def test_real_texas_etpl_2024_xlsx_as_credentials(shared):
    path = shared / "twc-etpl" / "twc_etpl_2024-10-02.xlsx"
    records, rejected, notes = read_all(path, "credentials",
                                        load_mapping(MAPPINGS / "twc-etpl-2024.toml"),
                                        crosswalk=onet_crosswalk(shared),
                                        onet_codes=onet_occupations(shared))
    summary("Texas ETPL 2024", records, rejected, notes)
    assert len(records) == 6245 and rejected == []
    assert len({r.id for r in records}) == 6245
    assert len({r.provider for r in records}) == 611
    first = records[0]
    assert (first.id, first.title, first.type, first.cost, first.hours, first.delivery,
            first.region, first.occupation_codes) == (
        "twc-etpl:32211", "Home Builders Institute Pre-Apprentice Certificate Training",
        "certification", 7583.0, 20.0, "hybrid", "TX-San Antonio", ["47-2111.00"])
    types = Counter(r.type for r in records)
    assert types == {"certification": 2592, "certificate": 1176, "degree": 943,
                     "program": 796, "apprenticeship": 381, "license": 269, "other": 54,
                     "": 34}
    assert Counter(r.delivery for r in records) == {"in person": 2492, "hybrid": 2072,
                                                    "online": 1633, "": 48}
    assert sum(r.hours is None for r in records) == 12
    assert sum(r.cost is None for r in records) == 0
    assert notes.counts["\"Length: Contact Hours\": 'ERROR' read as empty"] == 12
    assert notes.counts["\"Length: Weeks\": 'ERROR' read as empty"] == 62
    assert notes.counts["\"Program Outcome\": 'INVALID CODE' read as empty"] == 34
    assert notes.counts["\"Delivery Method\": 'INVALID CODE' read as empty"] == 48
    unresolved = {c for r in records for c in r.meta.get("unresolved_occupation_codes", [])}
    mapped = {c for r in records for c in r.meta.get("occupation_codes_2010", {})}
    print(f"  distinct codes unresolved {len(unresolved)}, read as 2010 {len(mapped)}")
    assert "11-1000.00" in unresolved and len(unresolved) == 131
    assert notes.counts["occupation code in neither O*NET-SOC 2019 nor 2010 (kept as "
                        "written)"] == 443


@pytest.mark.shared
def test_real_texas_etpl_2024_without_its_missing_markers_rejects_those_rows(shared):
    path = shared / "twc-etpl" / "twc_etpl_2024-10-02.xlsx"
    saved = load_mapping(MAPPINGS / "twc-etpl-2024.toml")
    mapping = replace(saved, options=replace(saved.options, missing=()))
    records, rejected, notes = read_all(path, "credentials", mapping)
    summary("Texas ETPL 2024 without options.missing", records, rejected, notes)
    assert Counter(r.field for r in rejected) == {"hours": 12, "weeks": 56}
    assert all("'ERROR' is not a" in r.reason for r in rejected)
    assert len(records) == 6245 - 68


@pytest.mark.shared
def test_real_texas_etpl_2022_csv_with_line_breaks_in_its_headers(shared):
    path = shared / "twc-etpl" / "twc_etpl_2022-02-19.csv"
    records, rejected, notes = read_all(path, "credentials",
                                        load_mapping(MAPPINGS / "twc-etpl-2022.toml"),
                                        crosswalk=onet_crosswalk(shared))
    summary("Texas ETPL 2022", records, rejected, notes)
    assert len(records) == 4736 and rejected == []
    assert records[0].id == "twc-etpl:32211" and records[0].cost == 5775.0
    assert records[0].hours == 24.0 and records[0].meta["weeks"] == 13.0
    assert sum(r.cost is None for r in records) == 51  # tuition and books both empty
    assert notes.counts["\"Program Format\": 'INVALID CODE' read as empty"] == 44


@pytest.mark.shared
@pytest.mark.parametrize("name,rows,ids", [("nyc-jobs_2019-04-30.zip", 3434, 1897),
                                           ("nyc-jobs_2019-07-30.zip", 3123, 1735)])
def test_real_nyc_jobs_zip_as_postings(shared, name, rows, ids):
    path = shared / "nyc-jobs" / name
    records, rejected, notes = read_all(path, "postings",
                                        load_mapping(MAPPINGS / "nyc-jobs.toml"))
    summary(f"NYC Jobs {name}", records, rejected, notes)
    assert len(records) == ids and rejected == []
    assert notes.counts["duplicate id skipped (its first row is imported)"] == rows - ids
    assert all(r.date_posted and r.region == "NY-New York" for r in records)
    assert not any("â€" in r.description or "\t" in r.description for r in records)
    assert sum(r.openings for r in records) > ids
