"""Views and API routers stay thin: they read through selectors and write through services.

Every `*views*.py` of `src/esms` and every module of `api/routers/` is read with `ast`. None may reach a model's
manager (`Model.objects…`) nor look an object up by its model class (`get_object_or_404(Model, …)`): a
selector does it, scoped by the permission layer. `get_object_or_404(selectors.x(actor=…), pk=…)` on a
selector's queryset stays allowed. A test proves the check catches both forms.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "esms"


def _fichiers_minces() -> list[Path]:
    vues = [p for p in SRC.rglob("*views*.py") if "migrations" not in p.parts]
    return sorted(vues + list((SRC / "api" / "routers").glob("*.py")))


def lectures_directes(source: str) -> list[tuple[int, str]]:
    """(line, what) for each manager access or lookup by model class in `source`."""
    trouvees = []
    for noeud in ast.walk(ast.parse(source)):
        if isinstance(noeud, ast.Attribute) and noeud.attr == "objects":
            trouvees.append((noeud.lineno, f"{ast.unparse(noeud)} (gestionnaire d'un modèle)"))
        elif (isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name)
              and noeud.func.id in {"get_object_or_404", "get_list_or_404"} and noeud.args
              and isinstance(noeud.args[0], ast.Name)):
            trouvees.append((noeud.lineno, f"{noeud.func.id}({noeud.args[0].id}, …) (recherche par modèle)"))
    return sorted(trouvees)


def test_le_controle_trouve_les_deux_formes():
    source = ("from django.shortcuts import get_object_or_404\n"
              "def vue(request, pk):\n"
              "    a = Dossier.objects.filter(pk=pk)\n"
              "    b = get_object_or_404(Avis, pk=pk)\n"
              "    c = get_object_or_404(selectors.dossiers(actor=request.user), pk=pk)\n")
    assert [ligne for ligne, _ in lectures_directes(source)] == [3, 4]


def test_vues_et_routeurs_lisent_par_les_selecteurs():
    fichiers = _fichiers_minces()
    assert len(fichiers) > 20  # the glob found the views and routers
    fautes = [f"{f.relative_to(SRC)}:{ligne} {quoi}" for f in fichiers
              for ligne, quoi in lectures_directes(f.read_text(encoding="utf-8"))]
    assert not fautes, "Lecture hors des sélecteurs :\n" + "\n".join(fautes)
