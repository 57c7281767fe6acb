"""Yatou renewal map: a PostGIS-backed GIS service for demolition and renovation work."""
