"""The one permission decision: `decide(actor, action, obj)`, the explicit system actor, no role test elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from esms.comptes.models import Role
from esms.comptes.permissions import (
    PERMISSIONS,
    SYSTEME,
    decide,
    est_editeur,
    etablissements_non_autorises,
    require,
    utilisateur_de,
)
from esms.refus import RefusPermission
from tests import factories

SRC = Path(__file__).resolve().parents[2] / "src" / "esms"


def test_le_role_refuse_avec_le_code_non_habilite(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    decision = decide(porteur, "referentiel.qualifier", ref.et_corse[0])
    assert (bool(decision), decision.code) == (False, "non_habilite")
    assert decision.raison == "Vous n'êtes pas habilité à qualifier un établissement."
    with pytest.raises(RefusPermission) as refus:
        decision.exiger()
    assert isinstance(refus.value, PermissionDenied) and refus.value.code == "non_habilite"


def test_le_perimetre_refuse_avec_le_code_hors_perimetre(ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    assert decide(agent, "referentiel.qualifier", ref.et_ara[0])
    decision = decide(agent, "referentiel.qualifier", ref.et_corse[0])
    assert (bool(decision), decision.code, decision.raison) == (
        False, "hors_perimetre", "Cet objet est hors de votre périmètre.")


def test_seule_la_region_pilote_decide_pour_le_dossier(ref, make_user):
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara)
    pilote = make_user(Role.AGENT_ARS, region="84")
    autre = make_user(Role.AGENT_ARS, region="94")
    assert decide(pilote, "candidatures.piloter", dossier)
    assert decide(make_user(Role.ADMIN_NATIONAL), "candidatures.piloter", dossier)
    assert decide(autre, "candidatures.piloter", dossier).code == "hors_perimetre"
    assert decide(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]), "candidatures.piloter",
                  dossier).code == "non_habilite"


def test_le_systeme_est_explicite_et_none_est_refuse(ref):
    assert all(decide(SYSTEME, action) for action in PERMISSIONS)
    require(SYSTEME, "referentiel.importer", ref.et_corse[0])
    assert utilisateur_de(SYSTEME) is None
    for personne in (None, AnonymousUser()):
        assert decide(personne, "referentiel.importer").code == "non_habilite"
        with pytest.raises(PermissionDenied):
            require(personne, "campagnes.gerer")
    with pytest.raises(KeyError):
        decide(SYSTEME, "referentiel.inexistant")


def test_les_questions_de_role_des_autres_applications(ref, make_user):
    editeur = make_user(Role.EDITEUR, etablissements=[ref.et_ara[0].pk])
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    assert est_editeur(editeur) and not est_editeur(porteur)
    assert etablissements_non_autorises(editeur, {ref.et_ara[0].pk, ref.et_ara[1].pk}) == [ref.et_ara[1].pk]
    assert etablissements_non_autorises(porteur, {ref.et_ara[1].pk}) == []


def _modules_hors_comptes():
    for chemin in sorted(SRC.rglob("*.py")):
        relatif = chemin.relative_to(SRC)
        if relatif.parts[0] in ("comptes", "demo") or "migrations" in relatif.parts or chemin.name == "demo.py":
            continue
        yield relatif, ast.parse(chemin.read_text(encoding="utf-8"))


def test_aucun_test_de_role_hors_de_comptes():
    """Only `comptes` (and the demo data builders) name roles: others ask `decide` or a `comptes` question."""
    fautifs = []
    for relatif, arbre in _modules_hors_comptes():
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.ImportFrom) and noeud.module == "esms.comptes.models" and any(
                    alias.name == "Role" for alias in noeud.names):
                fautifs.append(f"{relatif}:{noeud.lineno} importe Role")
            if isinstance(noeud, ast.Attribute) and noeud.attr == "est_pilote":
                fautifs.append(f"{relatif}:{noeud.lineno} appelle est_pilote")
    assert fautifs == []
