"""Ranking and span metrics, plain functions over lists and sets."""

from __future__ import annotations

from collections.abc import Sequence


def average_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    """AP of a ranked list: mean precision at each relevant hit, over all relevant."""
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for i, item in enumerate(ranked, start=1):
        if item in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def r_precision(ranked: Sequence[str], relevant: set[str]) -> float:
    r = len(relevant)
    return sum(1 for item in ranked[:r] if item in relevant) / r if r else 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for item in ranked[:k] if item in relevant) / len(relevant) if relevant else 0.0


def precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for item in ranked[:k] if item in relevant) / k


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / i
    return 0.0


Span = tuple[int, int]  # token offsets, end exclusive


def overlaps(a: Span, b: Span, rule: str) -> bool:
    """``loose``: at least one shared token; ``strict``: token IoU of at least 0.5."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return False
    if rule == "loose":
        return True
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union >= 0.5


def span_prf(
    predicted: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]], rule: str
) -> dict[str, float]:
    """Precision (predicted spans that match a gold span), recall (gold spans
    matched by a predicted span) and F1, summed over sentences."""
    tp_pred = n_pred = tp_gold = n_gold = 0
    for pred, ref in zip(predicted, gold):
        n_pred += len(pred)
        n_gold += len(ref)
        tp_pred += sum(1 for p in pred if any(overlaps(p, g, rule) for g in ref))
        tp_gold += sum(1 for g in ref if any(overlaps(p, g, rule) for p in pred))
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "predicted": n_pred, "gold": n_gold}


def bio_spans(tags: Sequence[str]) -> list[Span]:
    """Token spans (end exclusive) of a BIO tag sequence; a stray I opens a span."""
    spans, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if tag in ("B", "O") or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, i))
                start = None
            if tag in ("B", "I"):
                start = i
    return spans
