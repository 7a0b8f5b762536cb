"""The workflow table itself: every state reachable, every non-final state left, every effect, permission,
service and form known."""

from __future__ import annotations

import typing

import esms.candidatures.services  # noqa: F401  (registers the effects)
from esms.candidatures import workflow
from esms.candidatures.etats import ETATS_FINAUX, Etat
from esms.comptes.permissions import ACTION_LABELS, PERMISSIONS

TRANSITIONS = list(workflow.TRANSITIONS.values())


def test_chaque_etat_est_atteignable_depuis_le_brouillon():
    atteints, a_voir = {Etat.BROUILLON}, [Etat.BROUILLON]
    while a_voir:
        etat = a_voir.pop()
        for t in TRANSITIONS:
            if etat in t.depuis and t.vers not in atteints:
                atteints.add(t.vers)
                a_voir.append(t.vers)
    assert atteints == set(Etat)


def test_chaque_etat_non_final_a_une_sortie_et_les_finaux_aucune():
    quittes = {etat for t in TRANSITIONS for etat in t.depuis}
    assert quittes == set(Etat) - ETATS_FINAUX
    assert ETATS_FINAUX


def test_chaque_effet_existe_et_chaque_transition_a_une_permission():
    for t in TRANSITIONS:
        assert t.nom == next(n for n, d in workflow.TRANSITIONS.items() if d is t)
        assert t.action in PERMISSIONS and t.action in ACTION_LABELS, t.nom
        assert PERMISSIONS[t.action], t.nom
        for nom in t.effets:
            assert nom in workflow.EFFETS, f"{t.nom} : effet inconnu {nom}"
            assert callable(workflow.EFFETS[nom].fonction)
    utilises = {nom for t in TRANSITIONS for nom in t.effets}
    assert set(workflow.EFFETS) == utilises, "un effet enregistré ne sert à aucune transition"


def test_chaque_service_et_chaque_saisie_sont_connus():
    assert {t.service for t in TRANSITIONS} <= set(typing.get_args(workflow.Service))
    for t in TRANSITIONS:
        assert t.vers not in t.depuis, t.nom
        assert t.libelle and t.confirmation.startswith("Confirmer : ") or t.affichage.confirmation
        if t.affichage is not None:
            assert t.affichage.saisie in typing.get_args(workflow.Saisie)
            assert t.affichage.saisie == "commentaire" or t.service != "appliquer", t.nom
        # A transition the page cannot offer is performed by its own service (filing, balance).
        assert t.affichage is not None or t.service != "appliquer", t.nom
