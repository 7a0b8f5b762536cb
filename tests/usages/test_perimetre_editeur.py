"""A DUI vendor authorised by one establishment of a grappe sees that establishment's usage figures only: not the
other members', not the grappe's verdict, its convention or its payments (issue 9, point 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.comptes.models import Role
from esms.financement.models import Convention
from esms.usages.models import Canal, RapportIndicateurs
from tests.usages.fabrique import DEBUT, FIN

PERIODE = {"debut": DEBUT.isoformat(), "fin": FIN.isoformat()}


@pytest.fixture
def editeur(suivi, make_user):
    return make_user(Role.EDITEUR, etablissements=[suivi.ets[0]])


@pytest.fixture
def rapports(suivi, porteur):
    for et, n in ((suivi.ets[0], 4141), (suivi.ets[1], 7373)):
        RapportIndicateurs.objects.create(dossier=suivi.dossier, etablissement_id=et, periode_debut=DEBUT,
                                          periode_fin=FIN, dui_actifs=n, valeurs={}, canal=Canal.FORMULAIRE,
                                          auteur=porteur)


def test_le_vendeur_ne_voit_que_son_etablissement(client, suivi, editeur, rapports, porteur):
    convention = Convention.objects.get(dossier=suivi.dossier)
    client.force_login(editeur)
    page = client.get(reverse("usages:dossier", args=[suivi.dossier.pk]), PERIODE)
    assert page.status_code == 200
    html = page.content.decode()
    assert suivi.ets[0] in html and "4\u00a0141" in html
    for autre in suivi.ets[1:]:
        assert autre not in html
    assert "7\u00a0373" not in html
    assert convention.numero not in html and "Ordres de paiement du dossier" not in html
    assert "Décisions de l'ARS" not in html and "Verdict des règles" not in html
    # The whole grappe is still shown to its porteur: the restriction is the vendor's.
    client.force_login(porteur)
    html = client.get(reverse("usages:dossier", args=[suivi.dossier.pk]), PERIODE).content.decode()
    assert suivi.ets[1] in html and "7\u00a0373" in html and convention.numero in html


def test_le_modele_du_vendeur_ne_liste_que_son_etablissement(client, suivi, editeur):
    client.force_login(editeur)
    reponse = client.get(reverse("usages:modele_indicateurs", args=[suivi.dossier.pk]), {"format": "csv"})
    lignes = reponse.content.decode("utf-8-sig").splitlines()[1:]
    assert [ligne.split(";")[0] for ligne in lignes] == [suivi.ets[0]]


def test_le_vendeur_ne_declare_pas_pour_un_autre_membre(client, suivi, editeur):
    client.force_login(editeur)
    reponse = client.post(reverse("usages:saisir", args=[suivi.dossier.pk]),
                          {**PERIODE, "finess_et": suivi.ets[1], "dui_actifs": 3})
    assert reponse.status_code in (400, 403)
    assert not RapportIndicateurs.objects.filter(etablissement_id=suivi.ets[1]).exists()
