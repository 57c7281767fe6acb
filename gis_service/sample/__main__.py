"""`python -m gis_service.sample`: rewrite the sample data of the plan (see generator.py)."""

from gis_service.sample.generator import main

raise SystemExit(main())
