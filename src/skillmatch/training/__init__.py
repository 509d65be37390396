"""Fine-tuning the embedding model on the data in ../shared/data (issue 8)."""
