"""The direction of imports between the apps, as written in docs/architecture.md.

Every `import` of `src/esms` is read with `ast` (those inside functions too: an import hidden in a function is
still a dependency; only those under `if TYPE_CHECKING:` are left out: they name a type for mypy and are never
run, as import-linter's `exclude_type_checking_imports` does). An app may import an app below it in `COUCHES`, never one above; the kernel modules import
only `rules`; the composition modules (settings, URLs, CLI, management commands, demo data) may import anything
and nothing imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "esms"

# Bottom to top: each layer may import the layers before it.
COUCHES: list[str] = ["rules", "noyau", "comptes", "referentiel", "inscriptions", "referencement", "financement",
                      "candidatures", "seances", "usages", "pilotage", "bourse", "api", "exploitation"]
NOYAU = {"refus", "exports", "televersements", "nombres", "dates", "formulaires"}  # src/esms/<name>.py: shared by every app, import only rules
COMPOSITION = {"settings", "urls", "views", "cli", "context_processors", "wsgi", "demo", "__init__"}

# Known edges against the direction, to be removed (a new one fails the test; removing one asks to update the
# list). None left: keep it empty.
CONNUES: set[tuple[str, str]] = set()


def _couche(relatif: Path) -> str:
    """The layer of a module of src/esms (`composition` for entry points)."""
    premier = relatif.parts[0] if len(relatif.parts) > 1 else relatif.stem
    if "management" in relatif.parts or premier in COMPOSITION or relatif.name == "demo.py":
        return "composition"
    if premier in NOYAU:
        return "noyau"
    return premier


def _pour_les_types(noeud: ast.If) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    test = noeud.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _noeuds_executes(arbre: ast.AST) -> list[ast.AST]:
    """Every node of the tree, except the bodies of `if TYPE_CHECKING:` (their `else` is kept)."""
    noeuds, a_voir = [], [arbre]
    while a_voir:
        noeud = a_voir.pop()
        noeuds.append(noeud)
        if isinstance(noeud, ast.If) and _pour_les_types(noeud):
            a_voir += [noeud.test, *noeud.orelse]
        else:
            a_voir += list(ast.iter_child_nodes(noeud))
    return noeuds


def _imports(chemin: Path) -> list[tuple[str, int]]:
    """Every `esms.*` module imported by the file, with its line (module level or inside a function)."""
    trouves = []
    for noeud in _noeuds_executes(ast.parse(chemin.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.ImportFrom) and noeud.level == 0 and noeud.module:
            if noeud.module == "esms":
                trouves += [(f"esms.{alias.name}", noeud.lineno) for alias in noeud.names]
            else:
                trouves.append((noeud.module, noeud.lineno))
        elif isinstance(noeud, ast.Import):
            trouves += [(alias.name, noeud.lineno) for alias in noeud.names]
    return [(module, ligne) for module, ligne in trouves if module.startswith("esms.")]


def _aretes() -> list[tuple[str, str, str, int]]:
    """(importing file, its layer, imported layer, line) for every import crossing layers."""
    aretes = []
    for chemin in sorted(SRC.rglob("*.py")):
        relatif = chemin.relative_to(SRC)
        source = _couche(relatif)
        for module, ligne in _imports(chemin):
            cible = _couche(Path(*module.split(".")[1:]).with_suffix(".py"))
            if cible != source:
                aretes.append((relatif.as_posix(), source, cible, ligne))
    return aretes


def test_chaque_application_est_rangee_dans_une_couche():
    for chemin in SRC.iterdir():
        if chemin.is_dir() and (chemin / "__init__.py").exists():
            assert _couche(Path(chemin.name, "x.py")) in [*COUCHES, "composition"], chemin.name


def test_les_imports_descendent():
    contraires, connues = [], set()
    for fichier, source, cible, ligne in _aretes():
        if cible == "composition":
            contraires.append(f"{fichier}:{ligne} importe un module de composition")
        elif source != "composition" and COUCHES.index(cible) > COUCHES.index(source):
            if (fichier, cible) in CONNUES:
                connues.add((fichier, cible))
            else:
                contraires.append(f"{fichier}:{ligne} ({source}) importe {cible}, une couche au-dessus")
    assert contraires == []
    assert connues == CONNUES, "Une dépendance connue a disparu : retirez-la de CONNUES."


def test_la_lecture_voit_les_imports_dans_les_fonctions(tmp_path):
    fichier = tmp_path / "m.py"
    fichier.write_text("def f():\n    from esms.usages import selectors\n    import esms.api.urls\n")
    assert sorted(_imports(fichier)) == [("esms.api.urls", 3), ("esms.usages", 2)]


def test_les_imports_pour_les_types_seuls_ne_comptent_pas(tmp_path):
    fichier = tmp_path / "m.py"
    fichier.write_text("import typing\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                       "    from esms.candidatures.models import Dossier\nelse:\n    import esms.usages\n"
                       "if typing.TYPE_CHECKING:\n    import esms.api\n")
    assert _imports(fichier) == [("esms.usages", 6)]
