"""docs/regles-sources.md covers the five published texts and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
DOC = (RACINE / "docs" / "regles-sources.md").read_text(encoding="utf-8")
NOMMES = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", DOC)


def test_les_cinq_textes_sont_couverts() -> None:
    for numero in ("000", "001", "002", "003", "004"):
        assert re.search(rf"^## {numero} — ", DOC, re.M), numero
    assert len(NOMMES) > 30


@pytest.mark.parametrize(("fichier", "fonction"), sorted(set(NOMMES)))
def test_chaque_test_nomme_existe(fichier: str, fonction: str) -> None:
    chemin = RACINE / fichier
    assert chemin.is_file(), fichier
    if fonction:
        arbre = ast.parse(chemin.read_text(encoding="utf-8"))
        noms = {n.name for n in ast.walk(arbre) if isinstance(n, ast.FunctionDef)}
        assert fonction in noms, f"{fichier}::{fonction} n'existe pas"
