"""Readers and writers of the field's standards: Open Badges, CTDL, schema.org
JobPosting and JDX, Rich Skill Descriptors, and spreadsheets with a column mapping."""
