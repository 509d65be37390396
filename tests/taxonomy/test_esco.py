import shutil

from skillmatch.taxonomy import read_taxonomy

from .conftest import OCC, SKILL


def test_reads_everything(esco_dir) -> None:
    b = read_taxonomy("esco", esco_dir)
    assert (b.name, b.kind, b.version) == ("esco", "esco", "v1.1.1")
    vitals = b.skills[0]
    assert vitals.code == SKILL + "s1" and vitals.label == "take vital signs"
    assert vitals.alt_labels == ["measure vital signs", "check vital signs"]
    assert vitals.hidden_labels == ["vitals"]
    assert (vitals.skill_type, vitals.reuse_level) == ("skill/competence", "sector-specific")
    occ = b.occupations[0]
    assert occ.alt_labels == ["nurse aide", "CNA"] and occ.group_code == "5321"
    assert occ.meta["code"] == "5321.1"
    assert [(r.skill_code, r.relation) for r in b.relations] == [
        (SKILL + "s1", "essential"), (SKILL + "s2", "optional")]
    assert b.relations[0].occupation_code == OCC + "o1"
    assert [g.label for g in b.groups] == ["health skills"]
    assert b.broader[0].broader_code == SKILL + "g1"
    assert b.collections == {"digital": [SKILL + "s2"]}


def test_zip_equals_folder_and_v12_names(esco_dir, tmp_path) -> None:
    archive = shutil.make_archive(str(tmp_path / "ESCO dataset - v1.2.0"), "zip", esco_dir.parent,
                                  esco_dir.name)
    from_zip = read_taxonomy("esco", archive)
    from_dir = read_taxonomy("esco", esco_dir)
    assert from_zip.counts() == from_dir.counts()
    assert from_zip.skills == from_dir.skills and from_zip.version == "v1.2.0"
    (esco_dir / "occupationSkillRelations.csv").rename(
        esco_dir / "occupationSkillRelations_en.csv")
    assert read_taxonomy("esco", esco_dir).counts()["relations"] == 2
