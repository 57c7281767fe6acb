"""`python -m gis_service.sample`: rewrite the sample data of the plan (see build.py)."""

from gis_service.sample.build import main

raise SystemExit(main())
