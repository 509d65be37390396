"""recommend and pathway on real data with the real model: CIP networking and IT programs
beside online courses about learning itself, NYC Jobs IT postings as demand, ESCO for
skills, O*NET for occupations (issue 13 part 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skillmatch.app import SkillMatch
from skillmatch.catalog.models import Credential
from skillmatch.datasets import cip_programs, nyc_postings
from tests.integration.conftest import copy_session_workspace

pytestmark = [pytest.mark.model, pytest.mark.shared]

IT = re.compile(r"network|system admin|\bIT\b|computer|database|help desk|technolog", re.I)
ONLINE = [  # realistic catalogue entries of the kind that topped the ranking before
    ("web:learn-online", "How to Learn Online",
     "Learn how to be a successful online learner: set up your computer and internet "
     "connection, navigate a learning management system, manage your time, take notes, "
     "study for online tests and take part in online discussions and networking with "
     "classmates.", 0.0),
    ("web:teach-online", "How to Teach Online",
     "Teach online courses: design online lessons, use video conferencing and learning "
     "management systems, engage adult learners remotely and assess learning online.", 129.0),
    ("web:study", "Study Skills for Adult Learners",
     "Learn how to study effectively: learning strategies, memory techniques, time "
     "management, reading and test-taking skills for returning adult students.", 49.0),
    ("web:sql", "Introduction to SQL",
     "Write SQL queries to retrieve, filter, join and aggregate data in relational "
     "databases such as MySQL and Microsoft SQL Server; create tables and indexes.", 39.0),
]


@pytest.fixture(scope="module")
def it_catalogue(esco_indexed: SkillMatch, shared: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> SkillMatch:
    # a copy of the session workspace (taxonomies and indexes), so that this catalogue
    # and its postings stay out of the other modules' workspace
    home = copy_session_workspace(esco_indexed, tmp_path_factory.mktemp("it-ws"))
    app = SkillMatch(esco_indexed.settings.model_copy(update={
        "taxonomies": ["esco"], "home": home}))
    programs = [p for p in cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
                if p.id.startswith(("cip:11.", "cip:13.12", "cip:13.13"))]
    online = [Credential(id=i, title=t, description=d, type="course", cost=c, hours=12,
                         delivery="online", provider="Online Learning Co.")
              for i, t, d, c in ONLINE]
    app.import_records("credential", programs + online)
    postings = [p for p in nyc_postings(shared / "nyc-jobs" / "nyc-jobs_2019-07-30.zip")
                if IT.search(p.title)][:150]
    app.import_records("posting", postings)
    yield app
    app.close()


def test_learning_to_learn_ranks_below_networking_programs(it_catalogue: SkillMatch) -> None:
    out = it_catalogue.recommend("I want to work in IT networking", k=500)
    rank = {r["id"]: n for n, r in enumerate(out["results"])}
    networking = [c for c in rank if c.startswith(("cip:11.09", "cip:11.10"))]
    assert networking and out["implied_targets"]
    first_online = min(rank[c] for c in ("web:learn-online", "web:teach-online", "web:study"))
    assert max(rank[c] for c in networking) < first_online, (
        [(r["id"], r["title"], r["relevance"], r["value"]) for r in out["results"][:15]])
    top = out["results"][0]
    assert 0 < top["value"] <= 1 and 0 < top["relevance"] <= 1
    assert top["value"] > 0.05  # on the scale of relevance, not a share of the whole tail
