"""Employer demand per skill, learned from job postings and stated needs
(:mod:`.model`; the columns it learns from: :mod:`.columns`)."""

from .columns import EPOCH, KINDS, DemandColumns, DemandRecord, day_number
from .model import DemandModel

__all__ = ["EPOCH", "KINDS", "DemandColumns", "DemandModel", "DemandRecord", "day_number"]
