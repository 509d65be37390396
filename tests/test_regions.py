"""Regions as a hierarchy: ``ST`` covers ``ST`` and every ``ST-Place``."""

import pytest

from skillmatch.demand import DemandModel, DemandRecord
from skillmatch.regions import region_key, within


@pytest.mark.parametrize(("region", "wanted", "inside"), [
    ("VA", "VA", True),
    ("VA-Norfolk", "VA", True),
    ("VA-Norfolk", "va", True),  # case does not matter
    ("va - norfolk", "VA-Norfolk", True),  # nor spaces around the hyphen
    ("VA", "VA-Norfolk", False),  # a place does not cover its state
    ("VA-Richmond", "VA-Norfolk", False),
    ("VAT", "VA", False),  # a prefix of the name is not a parent
    ("NC-Winston-Salem", "NC-Winston", False),  # a place may hold hyphens: exact match
    ("NC-Winston-Salem", "NC", True),
    ("statewide-VA", "VA", True),  # the legacy statewide form is the state itself
    ("VA-Norfolk", "statewide-VA", True),
    ("", "VA", False),
    ("VA", "", False),
])
def test_within(region: str, wanted: str, inside: bool) -> None:
    assert within(region, wanted) is inside


def test_region_key() -> None:
    assert region_key("  Va  -  Virginia   Beach ") == "va-virginia beach"
    assert region_key("Statewide-TX") == "tx"


def test_demand_counts_places_in_a_state() -> None:
    records = [DemandRecord("posting", i, f"p{i}", region, "occ", "2026-01-01", 1)
               for i, region in enumerate(["VA", "VA-Norfolk", "va - norfolk", "VA-Richmond",
                                           "TX-Houston", ""])]
    model = DemandModel().fit(records, [(i, 1, "") for i in range(len(records))])
    assert model.size(region="VA")["records"] == 4
    assert model.size(region="va-Norfolk")["records"] == 2
    assert model.size(region="VA-Norfolk ")["records"] == 2
    assert model.skills(region="VA")[1]["postings"] == 4
    assert model.size(region="TX")["records"] == 1
    assert model.size(region="CA")["records"] == 0
    assert model.size()["records"] == 6
    behind = model.evidence([1], limit=10, region="VA-Norfolk")
    assert {r.code for r in behind} == {"p1", "p2"}
