"""Real data in and out: files read into parcels (import) and parcels written to files (export)."""
