"""Tests of the pure-Python rules package `esms.rules` (a package, so that module names stay unique)."""
