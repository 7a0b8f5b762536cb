"""Register entries for tests: a vendor with a solution, its API account linked."""

from __future__ import annotations

import itertools
from datetime import date

from esms.referencement.models import Editeur, Solution

SIRENS = itertools.cycle(["732829320", "552100554", "542065479", "443061841"])


def solution(nom: str = "Alpha DUI", version: str = "3.2", *, siren: str | None = None, vague: int = 1,
             secteurs=("personnes_agees", "handicap_adultes", "handicap_enfants"),
             date_referencement: date = date(2022, 6, 15), couloir: str = "medico_social",
             date_retrait: date | None = None) -> Solution:
    siren = siren or next(SIRENS)
    editeur, _ = Editeur.objects.get_or_create(siren=siren, defaults={"nom": f"Éditeur {nom}"})
    return Solution.objects.create(editeur=editeur, nom=nom, version=version, vague=vague, couloir=couloir,
                                   secteurs=list(secteurs), date_referencement=date_referencement,
                                   statut="retiree" if date_retrait else "referencee", date_retrait=date_retrait,
                                   nom_recherche=f"{nom} {version}".casefold())


def solution_de(compte, **kwargs) -> Solution:
    """A solution whose vendor has `compte` as API account."""
    objet = solution(**kwargs)
    objet.editeur.comptes.add(compte)
    return objet
