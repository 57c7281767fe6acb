"""Pure rules of the plan: stage order, deadline risk, state on a date, KPIs, deadline phrases.

Nothing here does I/O; the map, the screen, the API and the exports all call these functions so
that every number is defined once.
"""
