"""Data access: the only package that talks SQL."""
