"""The generator of the illustrative sample data of the 2021 plan (data/geo/).

plan_items (names, targets, each item's year), site_layout (where parcels go), community_cells,
story, parcel_stories and building_stories (the dated histories), history_checks, figure_table
(the README's KPI table), drawing and geojson_writer (geometry and files), generator (the entry
point, `python -m gis_service.sample`). It reuses `gis_service.rules` for stages, the history
fold and the KPIs. The service never imports it; it loads the committed files.
"""
