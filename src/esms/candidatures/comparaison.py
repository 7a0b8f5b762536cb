"""Side-by-side comparison of two parameter versions: every parameter whose value, source, status or note
differs, by section, with the values and sources before and after."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from esms.candidatures.parametres_formulaire import LIBELLES_SECTIONS, libelle

ABSENT = object()


@dataclass(frozen=True)
class Difference:
    section: str
    chemin: str
    avant: Any  # the leaf {valeur, source, statut[, note]}, or None when absent
    apres: Any

    @property
    def libelle(self) -> str:
        return libelle(self.chemin)

    @property
    def valeur_changee(self) -> bool:
        return (self.avant or {}).get("valeur", ABSENT) != (self.apres or {}).get("valeur", ABSENT)

    @property
    def source_changee(self) -> bool:
        return (self.avant or {}).get("source") != (self.apres or {}).get("source")


def feuilles(noeud: Any, chemin: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted path, leaf) of a parameter tree."""
    if isinstance(noeud, dict) and "valeur" in noeud and "statut" in noeud:
        yield chemin, noeud
    elif isinstance(noeud, dict):
        for cle, valeur in noeud.items():
            yield from feuilles(valeur, f"{chemin}.{cle}" if chemin else str(cle))


def affiche(valeur: Any) -> str:
    if valeur is None:
        return "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dict | list):
        return json.dumps(valeur, ensure_ascii=False)
    return str(valeur)


def comparer(avant: dict[str, Any], apres: dict[str, Any]) -> dict[str, list[Difference]]:
    """Differences by section (sections in the order of the parameters; only sections that differ)."""
    gauche, droite = dict(feuilles(avant)), dict(feuilles(apres))
    par_section: dict[str, list[Difference]] = {}
    for chemin in [*gauche, *(c for c in droite if c not in gauche)]:
        if gauche.get(chemin) == droite.get(chemin):
            continue
        section = chemin.split(".")[0]
        par_section.setdefault(section, []).append(Difference(section, chemin, gauche.get(chemin),
                                                              droite.get(chemin)))
    return par_section


def libelle_section(section: str) -> str:
    return LIBELLES_SECTIONS.get(section, section)
