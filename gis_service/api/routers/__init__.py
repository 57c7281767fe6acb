"""HTTP routers, one per resource (`<resource>_routes`, so no name repeats another layer's)."""
