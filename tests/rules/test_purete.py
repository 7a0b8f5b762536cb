"""`esms.rules` is pure Python: standard library and PyYAML only, no Django, no other `esms.*` package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import esms.rules

PAQUET = Path(esms.rules.__file__).resolve().parent
TIERS_AUTORISES = {"yaml"}


def _imports(fichier: Path) -> list[tuple[int, str]]:
    arbre = ast.parse(fichier.read_text(encoding="utf-8"), filename=str(fichier))
    trouves: list[tuple[int, str]] = []
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            trouves.extend((noeud.lineno, alias.name) for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom):
            if noeud.level:  # relative import: inside the package by construction
                continue
            trouves.append((noeud.lineno, noeud.module or ""))
    return trouves


def test_le_paquet_contient_des_modules() -> None:
    assert len(list(PAQUET.rglob("*.py"))) > 10


def test_aucun_import_hors_stdlib_et_yaml() -> None:
    fautes = []
    for fichier in sorted(PAQUET.rglob("*.py")):
        for ligne, module in _imports(fichier):
            racine = module.split(".")[0]
            if module == "esms.rules" or module.startswith("esms.rules."):
                continue
            if racine == "esms" or racine == "django":
                fautes.append(f"{fichier.relative_to(PAQUET)}:{ligne} importe {module}")
            elif (
                racine not in sys.stdlib_module_names
                and racine not in TIERS_AUTORISES
                and racine != "__future__"
            ):
                fautes.append(f"{fichier.relative_to(PAQUET)}:{ligne} importe la dépendance {module}")
    assert not fautes, "\n".join(fautes)


def test_le_detecteur_voit_un_import_django(tmp_path: Path) -> None:
    fichier = tmp_path / "mauvais.py"
    fichier.write_text(
        "import os\nfrom django.db import models\nfrom esms.comptes import services\n", encoding="utf-8"
    )
    assert [m for _, m in _imports(fichier)] == ["os", "django.db", "esms.comptes"]


def test_importer_le_paquet_ne_charge_pas_django() -> None:
    code = (
        "import sys\n"
        "import esms.rules, esms.rules.cli, esms.rules.evaluation, esms.rules.categories\n"
        "esms.rules.load_campagne('2024')\n"
        "autres = sorted(m for m in sys.modules if m.startswith('esms.') and not m.startswith('esms.rules'))\n"
        "print('django' in sys.modules, autres)\n"
    )
    resultat = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert resultat.stdout.strip() == "False []"
