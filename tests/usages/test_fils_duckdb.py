"""DuckDB threads of the DUI grouping follow the memory cap: each thread keeps its own hash table, and past the
cap DuckDB spills to disk (twice the CPU time, benchmarks/dui_actifs.py)."""

from __future__ import annotations

import os

import pytest

from esms.usages.preuves import lecture


@pytest.mark.parametrize(("memoire", "attendu"), [
    ("350MB", 1), ("300MB", 1), ("100MB", 1), ("0.3GB", 1), ("640MB", min(2, os.cpu_count() or 1)),
    ("16GiB", os.cpu_count() or 1), ("beaucoup", None),
])
def test_threads_from_the_memory_cap(memoire, attendu):
    assert lecture.fils_de_groupement(memoire) == attendu


def test_the_default_cap_gives_one_grouping_thread(settings):
    settings.ESMS_DUCKDB_MEMOIRE = lecture.MEMOIRE_PAR_DEFAUT
    assert lecture.memoire_duckdb() == "350MB" and lecture.fils_de_groupement() == 1
