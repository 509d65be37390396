"""Imports report the fields they do not use, and records imported as titles only."""

import json

from skillmatch.flows.occupation_match import CIP_KEYS

JOB_POSTINGS = [
    {"id": f"jp{i}", "title": "Registered Nurse", "description": "",
     "hiringOrganization": {"@type": "Organization", "name": "Bayou Health"},
     "responsibilities": "Assess patients, take vital signs, administer medication and "
                         "document care in the electronic health record.",
     "employmentType": "FULL_TIME" if i < 2 else ""}
    for i in range(5)
]


def write(path, rows) -> str:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_unused_fields_and_titles_only_are_reported(app, tmp_path) -> None:
    report = app.import_records("posting", write(tmp_path / "jp.jsonl", JOB_POSTINGS))
    assert report["unused_fields"] == {"hiringOrganization": 5, "responsibilities": 5,
                                       "employmentType": 2}
    assert report["titles_only"] == {"records": 5, "text_in": {"responsibilities": 5}}
    again = app.import_records("posting", write(tmp_path / "jp.jsonl", JOB_POSTINGS))
    assert again["unchanged"] == 5 and again["unused_fields"]["responsibilities"] == 5


def test_fields_a_flow_reads_are_not_unused(app, tmp_path) -> None:
    rows = [{"id": "c1", "title": "Nurse Aide", "description": "Take vital signs.",
             "cip_code": "51.3902", "audience": "student"},
            {"id": "c2", "title": "Welding", "description": "MIG welding.", "cip": "48.0508"}]
    report = app.import_records("credential", write(tmp_path / "c.jsonl", rows))
    assert report["unused_fields"] == {"audience": 1}  # cip_code and cip feed align's prior
    assert report["titles_only"] is None
    from skillmatch.catalog.pipeline import META_READ

    assert set(CIP_KEYS) <= META_READ["credential"]


def test_records_given_as_objects_are_reported_too(app) -> None:
    from skillmatch.catalog.models import Posting

    report = app.import_records("posting", [
        Posting(id="s1", title="Welder", meta={"synthetic": True, "notes": ""})])
    assert report["unused_fields"] == {"synthetic": 1}  # an empty value is not carried
    assert report["titles_only"] == {"records": 1, "text_in": {}}
