"""Training pairs for fine-tuning the embedding model, from ``../shared/data`` only.

Each pair is (anchor text, the ESCO skill it expresses as its preferred label, a hard
negative or ``None``):

- SkillSkape train: a job-ad sentence with each of its gold skills;
- ESCO's own texts: alternative and hidden labels, and descriptions, each with its
  skill (a few per skill, seeded, so that no skill dominates);
- hard negatives: a sibling of the positive in the ESCO hierarchy (another skill under
  the same broader concept), the closest kind of confusion a linker makes; and, from
  :func:`mine_negatives`, the current model's own mistakes: the best-ranked ESCO label
  that is not one of the anchor's gold skills.

Never from a test or dev split: every anchor whose normalised text occurs in SkillSkape
dev or test or in SkillSpan test is dropped, and :func:`leaks` proves it afterwards.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..evaluation.skillskape import load_skillskape
from ..text import normalize


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    negative: str | None
    source: str  # skillskape | esco-alt | esco-hidden | esco-description


def protected_texts(shared: Path) -> set[str]:
    """Normalised sentences of every split we evaluate on (never trained on)."""
    out: set[str] = set()
    for split in ("dev", "test"):
        out.update(normalize(s) for s, _ in load_skillskape(shared / "skillskape" /
                                                            f"{split}.csv"))
    spans = shared / "skillspan" / "test.json"
    if spans.exists():
        for line in spans.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(normalize(" ".join(json.loads(line)["tokens"])))
    out.discard("")
    return out


def leaks(pairs: list[Pair], protected: set[str]) -> list[str]:
    """Anchors of ``pairs`` whose normalised text is a protected (evaluation) text."""
    return [p.anchor for p in pairs if normalize(p.anchor) in protected]


def file_hashes(shared: Path) -> dict[str, str]:
    """sha256 of the data files training reads, for the model's manifest."""
    names = ["skillskape/train.csv", "skillskape/dev.csv", "skillskape/test.csv",
             "esco-v1.1.1/skills_en.csv", "esco-v1.1.1/broaderRelationsSkillPillar.csv"]
    out = {}
    for name in names:
        path = shared / name
        if path.exists():
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def build_pairs(
    shared: Path,
    *,
    seed: int = 0,
    alt_per_skill: int = 2,
    with_descriptions: bool = True,
    skillskape_limit: int | None = None,
) -> tuple[list[Pair], dict[str, int]]:
    """The training pairs and counts by source (and what was dropped, and why)."""
    from ..taxonomy import read_taxonomy

    esco_dir = shared / "esco-v1.1.1"
    if not esco_dir.exists():
        raise InputError("ESCO v1.1.1 not found (training reads it from the shared data)",
                         path=esco_dir)
    bundle = read_taxonomy("esco", esco_dir)
    rng = random.Random(seed)
    label_of = {s.code: s.label for s in bundle.skills}
    by_label = {normalize(s.label): s.code for s in bundle.skills}
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for b in bundle.broader:
        if b.narrower_code in label_of:
            parents[b.narrower_code].append(b.broader_code)
            children[b.broader_code].append(b.narrower_code)

    def sibling(code: str) -> str | None:
        options = sorted({c for p in parents.get(code, []) for c in children[p]
                          if c != code and c in label_of})
        return label_of[rng.choice(options)] if options else None

    protected = protected_texts(shared)
    counts: dict[str, int] = defaultdict(int)
    pairs: list[Pair] = []

    def add(anchor: str, code: str, source: str) -> None:
        anchor = anchor.strip()
        if not anchor or normalize(anchor) == normalize(label_of[code]):
            return
        if normalize(anchor) in protected:
            counts["dropped: in an evaluation split"] += 1
            return
        pairs.append(Pair(anchor, label_of[code], sibling(code), source))
        counts[source] += 1

    rows = load_skillskape(shared / "skillskape" / "train.csv")
    if skillskape_limit is not None:
        rows = rows[:skillskape_limit]
    for sentence, labels in rows:
        for label in labels:
            code = by_label.get(normalize(label))
            if code is None:
                counts["dropped: label not in ESCO v1.1.1"] += 1
                continue
            add(sentence, code, "skillskape")
    for skill in bundle.skills:
        alts = list(skill.alt_labels)
        rng.shuffle(alts)
        for alt in alts[:alt_per_skill]:
            add(alt, skill.code, "esco-alt")
        for hidden in skill.hidden_labels[:1]:
            add(hidden, skill.code, "esco-hidden")
        if with_descriptions and skill.description:
            add(skill.description, skill.code, "esco-description")
    rng.shuffle(pairs)
    return pairs, dict(counts)


def batches(pairs: list[Pair], size: int) -> list[list[Pair]]:
    """Batches with no positive twice, so in-batch negatives are true negatives."""
    out: list[list[Pair]] = []
    open_batches: list[tuple[list[Pair], set[str]]] = []
    for pair in pairs:
        for batch, seen in open_batches:
            if pair.positive not in seen:
                batch.append(pair)
                seen.add(pair.positive)
                if len(batch) == size:
                    out.append(batch)
                    open_batches.remove((batch, seen))
                break
        else:
            open_batches.append(([pair], {pair.positive}))
    out.extend(b for b, _ in open_batches if len(b) > 1)
    return out


def mine_negatives(
    pairs: list[Pair],
    labels: list[str],
    encode: Callable[[list[str]], np.ndarray],
    *,
    share: float = 0.5,
    depth: int = 10,
    max_cosine: float = 0.95,
    seed: int = 0,
) -> tuple[list[Pair], int]:
    """Give ``share`` of the pairs a negative the current model confuses with the positive.

    ``encode`` embeds texts to unit vectors (the model before training). For each chosen
    pair, the negative is the best-ranked of ``labels`` (ESCO preferred labels) among the
    top ``depth`` that is none of the anchor's gold labels (an anchor may carry several:
    a SkillSkape sentence with three skills) and not a near-duplicate of the anchor
    (cosine above ``max_cosine``: likely an unlisted synonym, not a mistake). The other
    pairs keep their hierarchy sibling. Returns the pairs and how many were mined.
    """
    if not pairs or share <= 0:
        return pairs, 0
    rng = random.Random(seed)
    gold: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        gold[p.anchor].add(p.positive)
    chosen = [i for i in range(len(pairs)) if rng.random() < share]
    anchors = sorted({pairs[i].anchor for i in chosen})
    if not anchors:
        return pairs, 0
    label_vecs = encode(labels)
    anchor_vecs = encode(anchors)
    best: dict[str, list[str]] = {}
    step = 2048
    for start in range(0, len(anchors), step):
        sims = anchor_vecs[start : start + step] @ label_vecs.T
        top = np.argpartition(-sims, depth, axis=1)[:, :depth]
        for row, idx in enumerate(top):
            order = idx[np.argsort(-sims[row, idx])]
            anchor = anchors[start + row]
            best[anchor] = [labels[j] for j in order
                            if sims[row, j] <= max_cosine and labels[j] not in gold[anchor]]
    out = list(pairs)
    mined = 0
    for i in chosen:
        options = best.get(pairs[i].anchor)
        if options:
            out[i] = replace(pairs[i], negative=options[0])
            mined += 1
    return out, mined
