"""Learned matching of programs and occupations (issue 8).

- :mod:`.codes`: O*NET-SOC 2010 and 2019 codes resolved to SOC 2018 occupations;
- :mod:`.features`: per (program, SOC occupation) pair, the signals the model weighs;
- :mod:`.prior`: the CIP family to SOC group prior, counted from a crosswalk;
- :mod:`.weights`: the fitted logistic model, stored as JSON in this package.
"""
