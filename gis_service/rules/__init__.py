"""Pure rules of the plan: stage order, deadline risk, state on a date, KPIs, deadline phrases.

Nothing here does I/O. Stages, levels, KPIs and phrases serve the API, the maps and the screen,
so that every number is defined once. The history fold (`history`) folds the sample files'
histories for the sample generator (`gis_service.sample`), and is the definition the SQL fold
(`parcel_as_of`) is tested against.
"""
