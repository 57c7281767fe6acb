"""Parcels: the field table, reading as Features, input validation, edits, loading, KPIs."""
