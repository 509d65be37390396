"""Credentials, job postings and employer skill needs: records, readers, storage."""
