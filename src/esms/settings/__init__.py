"""Settings modules: `base` (embedded default, SQLite), `test`, `production`."""
