"""Running the stages: worker processes and batches (batch.py), the per-file result cache (cache.py)."""
