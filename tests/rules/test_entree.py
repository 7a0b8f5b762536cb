"""Reading a dossier: located French errors, and the fast path agreeing with the detailed one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from esms.rules import RulesInputError, parse_dossier
from esms.rules.entree import _Lecteur, _lire_membre, _membre_rapide

from .fabrique import dossier, finess, membre, membres


def _erreurs(donnees: Any) -> tuple[str, ...]:
    with pytest.raises(RulesInputError) as exc:
        parse_dossier(donnees)
    return exc.value.erreurs


@pytest.mark.parametrize(
    ("modifier", "attendu"),
    [
        (
            lambda d: d["members"][2].update(finess_et="12345"),
            "members[2].finess_et : le numéro FINESS doit comporter 9 caractères (reçu 5)",
        ),
        (
            lambda d: d["members"][2].update(finess_et="01000A024"),
            "members[2].finess_et : le numéro FINESS doit comporter 9 chiffres",
        ),
        (
            lambda d: d["members"][1].update(departement="75"),
            "members[1].departement : le département 75 n'appartient pas à la région 84",
        ),
        (
            lambda d: d["members"][1].update(departement="69", finess_et=finess("38")),
            "members[1].finess_et : le numéro désigne le département 38, et non 69",
        ),
        (
            lambda d: d["members"][0].update(part_heures_eligibles=1.5),
            "members[0].part_heures_eligibles : nombre entre 0 et 1 attendu",
        ),
        (lambda d: d["members"][0].update(cas="achat"), "members[0].cas : cas « achat » inconnu"),
        (
            lambda d: d["members"][0].update(solution_referencee_segur="oui"),
            "members[0].solution_referencee_segur : booléen attendu",
        ),
        (
            lambda d: d["members"][0].update(categorie="5000"),
            "members[0].categorie : code de catégorie FINESS « 5000 » mal formé",
        ),
        (
            lambda d: d["members"][0].update(montant_equipement_demande=True),
            "members[0].montant_equipement_demande : nombre entier",
        ),
        (
            lambda d: d["members"][0].update(indicateurs={"taux_dui_actifs": "beaucoup"}),
            "members[0].indicateurs.taux_dui_actifs : nombre attendu",
        ),
        (lambda d: d.update(submitted_at="2024-03-01T10:00:00"), "submitted_at : décalage horaire manquant"),
        (lambda d: d.update(submitted_at="le 1er mars"), "submitted_at : date et heure invalides"),
        (lambda d: d.update(campaign="2019"), "campaign : campagne « 2019 » inconnue"),
        (lambda d: d.update(call="departemental"), "call : appel « departemental » inconnu"),
        (lambda d: d.update(members=[]), "members : liste non vide d'établissements attendue"),
        (
            lambda d: d.update(porteur={"finess_ej": "123", "nb_essms_geres": 0}),
            "porteur.nb_essms_geres : nombre entier supérieur ou égal à 1 attendu",
        ),
        (
            lambda d: d.update(versement={"montant_convention": -1}),
            "versement.montant_convention : nombre entier supérieur ou égal à 0 attendu",
        ),
        (lambda d: d.update(date_parametres="2025-02-30"), "date_parametres : date invalide"),
        (lambda d: d.update(extra=1), "extra : champ inconnu"),
    ],
)
def test_erreur_localisee(modifier, attendu: str) -> None:  # type: ignore[no-untyped-def]
    donnees = dossier(membres(15))
    modifier(donnees)
    erreurs = _erreurs(donnees)
    assert any(e.startswith(attendu) for e in erreurs), erreurs


def test_toutes_les_erreurs_d_un_coup() -> None:
    donnees = dossier(membres(15))
    for rang in (0, 4, 9):
        donnees["members"][rang]["finess_et"] = "999999999"
    erreurs = _erreurs(donnees)
    assert [e.split(" : ")[0] for e in erreurs] == [
        "members[0].finess_et",
        "members[4].finess_et",
        "members[9].finess_et",
    ]


def test_racine_pas_un_objet() -> None:
    assert _erreurs([]) == ("(racine) : objet JSON attendu",)


def test_valeurs_normalisees_par_le_chemin_detaille() -> None:
    corse = membre("94", departement="2A")
    corse["finess_et"] = corse["finess_et"].lower()
    corse["categorie"] = 500
    corse["departement"] = " 2a "
    corse["solution_dui"] = " Solution A "
    lu = parse_dossier(dossier([corse]))
    m = lu.members[0]
    assert (m.finess_et[:2], m.categorie, m.departement, m.solution_dui) == ("2A", "500", "2A", "Solution A")


@pytest.mark.parametrize(
    "champs",
    [
        {},
        {"part_heures_eligibles": 0.75, "categorie": "460"},
        {"deja_finance_pour": "Solution B", "sons_eligible": False, "solution_candidate_segur": True},
        {"montant_equipement_demande": 4000},
        {"region": "94", "departement": "2B"},
        {"region": "04", "departement": "974"},
        {"region": "06", "departement": "976"},
    ],
)
def test_chemin_rapide_identique_au_chemin_detaille(champs: dict[str, Any]) -> None:
    brut = membre(**champs)
    rapide = _membre_rapide(brut)
    lecteur = _Lecteur()
    detaille = _lire_membre(lecteur, brut, "members[0]")
    assert rapide is not None and lecteur.erreurs == []
    assert rapide == detaille
    assert isinstance(rapide.part_heures_eligibles, Decimal)


@pytest.mark.parametrize(("numero", "valide"), [
    ("2A0000220", True),   # Corsican: Luhn over 21…
    ("2A0000221", False),
    ("2B0000030", None),
])
def test_cle_corse(numero: str, valide: bool | None) -> None:
    from esms.rules.finess import cle_luhn_valide, erreur_numero_finess

    attendu = cle_luhn_valide(("21" if numero[1] == "A" else "22") + numero[2:])
    assert (erreur_numero_finess(numero) is None) == attendu
    if valide is not None:
        assert attendu is valide
