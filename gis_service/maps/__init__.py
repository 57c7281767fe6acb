"""Folium map builders (one module per map) and the helpers they share: assets, styling, files."""
