"""Every audit action the code can record has a French label in the audit log (issue 16, item 5): the actions
passed as literals to `audit.record(action=…)` and the refusal / failure helpers anywhere in `src/esms`, and
the `dossiers.<transition>` of every workflow transition. A new action without its label fails here instead of
showing « Domaine : verbe » to the agents."""

from __future__ import annotations

import ast
from pathlib import Path

from esms.candidatures import workflow
from esms.comptes import journal

SRC = Path(__file__).resolve().parents[2] / "src" / "esms"
MOTS_CLES = {"action", "action_echec"}
FONCTIONS = {"record", "_refus_televersement", "_Libelles"}  # audit.record and the helpers that call it


def actions_du_code() -> dict[str, str]:
    """Each literal action → the first place that records it."""
    trouvees: dict[str, str] = {}
    for fichier in sorted(SRC.rglob("*.py")):
        for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
            if not isinstance(noeud, ast.Call):
                continue
            nom = noeud.func.attr if isinstance(noeud.func, ast.Attribute) else getattr(noeud.func, "id", "")
            if nom not in FONCTIONS:
                continue
            for mot in noeud.keywords:
                if mot.arg in MOTS_CLES and isinstance(mot.value, ast.Constant) and isinstance(mot.value.value, str):
                    trouvees.setdefault(mot.value.value, f"{fichier.relative_to(SRC)}:{noeud.lineno}")
    return trouvees


def test_le_releve_trouve_les_actions():
    actions = actions_du_code()
    assert len(actions) > 60
    assert actions["enveloppes.liberer"].startswith("financement/services.py")


def test_chaque_action_a_son_libelle():
    sans_libelle = {a: ou for a, ou in actions_du_code().items() if a not in journal.ACTIONS}
    assert not sans_libelle, "Actions d'audit sans libellé dans comptes/journal.py ACTIONS :\n" + "\n".join(
        f"{a} ({ou})" for a, ou in sorted(sans_libelle.items()))


def test_chaque_transition_a_son_libelle():
    manquantes = sorted(f"dossiers.{nom}" for nom in workflow.TRANSITIONS if f"dossiers.{nom}" not in journal.ACTIONS)
    assert not manquantes, manquantes


def test_chaque_domaine_a_son_libelle():
    domaines = {a.split(".")[0] for a in [*actions_du_code(), *journal.ACTIONS]}
    assert domaines <= set(journal.DOMAINES), sorted(domaines - set(journal.DOMAINES))
