"""Usages: indicator reports, usage evidence (DUI activity extracts recomputed with DuckDB), attainment of
the usage targets validated by the ARS, balance payments, and the national « DUI actifs » indicator."""
