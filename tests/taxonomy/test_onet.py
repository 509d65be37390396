from skillmatch.taxonomy import read_taxonomy


def test_reads_occupations_and_technology(onet_dir) -> None:
    b = read_taxonomy("onet", onet_dir)
    assert (b.kind, b.version) == ("onet", "29.2")
    rn = next(o for o in b.occupations if o.code == "29-1141.00")
    assert rn.label == "Registered Nurses" and rn.group_code == "29-1141"
    assert rn.alt_labels == ["RN"] and rn.tasks == ["Monitor patients."]
    assert rn.meta["job_zone"] == 3
    assert {s.label for s in b.skills} == {"Python", "Epic Systems"}
    assert len(b.relations) == 3  # one per Technology Skills row
    epic = [r for r in b.relations if r.skill_code == "tech:Epic Systems"]
    assert {(r.occupation_code, r.meta["hot"], r.meta["in_demand"]) for r in epic} == {
        ("29-1141.00", True, False), ("15-1252.00", False, False)}
    skill = next(s for s in b.skills if s.label == "Epic Systems")
    assert skill.meta["hot_occupations"] == 1 and skill.description == "Medical software"
    assert {g.code for g in b.groups} == {"unspsc:43232405", "unspsc:43231605"}
