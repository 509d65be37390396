"""A tiny catalogue and O*NET for flow tests (fake embedder): postings, credentials,
occupations."""

import json

from skillmatch.records import OccupationRecord, TaxonomyBundle

POSTINGS = [
    {"id": f"p{i}", "title": "Nursing Assistant", "occupation_code": "31-1131.00",
     "region": "TX-Houston", "date_posted": "2026-10-01", "openings": 2,
     "description": "Take vital signs and administer CPR. Work in teams."}
    for i in range(6)
] + [
    {"id": f"w{i}", "title": "Welder", "occupation_code": "51-4121.00", "region": "OH-Columbus",
     "date_posted": "2025-10-01", "openings": 1,
     "description": "MIG welding of steel parts. Work in teams."}
    for i in range(3)
]
CREDENTIALS = [
    {"id": "cna", "title": "Nurse Aide", "type": "certification", "cost": 0, "hours": 120,
     "region": "TX-Houston", "delivery": "in person", "cip_code": "51.3902",
     "description": "Take vital signs and administer CPR in clinical rotations."},
    {"id": "weld", "title": "Welding I", "type": "certificate", "cost": 900, "hours": 200,
     "region": "OH-Columbus", "delivery": "in person",
     "description": "MIG welding in the shop, working in teams."},
    {"id": "team", "title": "Teamwork Badge", "type": "badge", "cost": 0, "hours": 10,
     "delivery": "online", "description": "Work in teams on projects."},
]


ONET = [  # code, title, alternate titles, description, tasks
    ("31-1131.00", "Nursing Assistants", ["Nurse Aide", "Certified Nursing Assistant"],
     "Provide basic patient care in hospitals and nursing homes.",
     ["Take vital signs of patients.", "Administer CPR to patients in distress."]),
    ("29-2042.00", "Emergency Medical Technicians", ["EMT"],
     "Assess injuries and give emergency medical care.",
     ["Administer CPR and first aid.", "Transport patients to hospitals."]),
    ("51-4121.00", "Welders, Cutters, Solderers, and Brazers", ["MIG Welder"],
     "Use welding equipment to join metal parts.",
     ["Weld steel parts with MIG welding equipment.", "Inspect welds."]),
    ("15-1252.00", "Software Developers", ["Python Developer"],
     "Design and write computer programs.", ["Write programs in Python."]),
    ("25-2031.00", "Secondary School Teachers", ["High School Teacher"],
     "Teach students in secondary schools.", ["Plan lessons aligned to standards."]),
]


def import_catalogue(app, folder):
    """The tiny postings and credentials, imported into ``app``."""
    for kind, rows in (("posting", POSTINGS), ("credential", CREDENTIALS)):
        path = folder / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        app.import_records(kind, path)
    return app


def onet_bundle() -> TaxonomyBundle:
    """``ONET`` as an ``onet`` taxonomy."""
    return TaxonomyBundle(
        name="onet", kind="onet", version="29.2", source="tests",
        occupations=[OccupationRecord(code=c, label=t, alt_labels=alts, description=d,
                                      group_code=c[:7], tasks=tasks)
                     for c, t, alts, d, tasks in ONET])
