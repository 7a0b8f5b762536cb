"""The evidence pipeline: read a DUI activity extract (CSV, Parquet, FHIR NDJSON) with DuckDB, refuse
bad or identifying files with located French errors, recompute the active DUIs per establishment, store
the file content-addressed and chain it in the tamper-evident log. See docs/evidence.md."""
