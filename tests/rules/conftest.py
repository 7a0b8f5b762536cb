"""Shared fixtures of the rules tests: the shared data folder (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def dossier_donnees() -> Path:
    env = os.environ.get("ESMS_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="session")
def donnees_partagees() -> Path:
    chemin = dossier_donnees()
    if not chemin.is_dir():
        pytest.skip(f"données partagées absentes ({chemin}) : définir ESMS_SHARED_DATA pour ces tests")
    return chemin
