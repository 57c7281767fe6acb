"""The HTTP edge: FastAPI dependencies (auth, If-Match, bodies, filters), errors, routers."""
