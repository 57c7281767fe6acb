"""The generator of the illustrative sample data of the 2021 plan (data/geo/).

plan (names, targets, each item's year), layout (where parcels go), communities, story and
stories (the dated histories), checks, figures (the README's KPI table), output, build (the
entry point, `python -m gis_service.sample`). It reuses `gis_service.rules` for stages, the
history fold and the KPIs. The service never imports it; it loads the committed files.
"""
