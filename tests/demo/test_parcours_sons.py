"""The SONS walk on the demo data: a porteur picks a referenced solution from the register, a member with a SONS
order for another solution is refused with the reason, the demo vendor pushes a deployment through the API, and
the national dashboard shows the SONS coverage."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from esms.api import services as api
from esms.candidatures.models import Dossier
from esms.comptes.models import Role, User
from esms.comptes.permissions import SYSTEME
from esms.demo import charger_demo
from esms.referencement.models import CommandeSons, Solution


@pytest.mark.realdata
@pytest.mark.django_db
def test_parcours_sons_de_la_demo(shared_data, settings, tmp_path):
    from esms.referentiel import services as referentiel

    settings.MEDIA_ROOT = tmp_path / "media"
    referentiel.charger_referentiel(actor=SYSTEME)
    referentiel.importer_finess(actor=SYSTEME, chemin=shared_data / "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz")
    charger_demo()

    # 1. The porteur of the demo draft picks its solution in the register (htmx search) and saves it.
    brouillon = Dossier.objects.filter(etat="brouillon").select_related("grappe").order_by("pk").first()
    porteur = User.objects.filter(role=Role.RESPONSABLE_OG, organismes=brouillon.grappe.porteur_id).first()
    navigateur = Client()
    navigateur.force_login(porteur)
    fragment = navigateur.get(reverse("referencement:choisir"), {"q": "atlas"}, HTTP_HX_REQUEST="true")
    atlas = Solution.objects.get(nom="Solution DUI Atlas", version="5.1")
    assert f'value="{atlas.pk}"' in fragment.content.decode()
    reponse = navigateur.post(reverse("candidatures:modifier_grappe", args=[brouillon.pk]),
                              {"nom": brouillon.grappe.nom, "solution": atlas.pk, "description": ""})
    assert reponse.status_code == 302
    brouillon.grappe.refresh_from_db()
    assert brouillon.grappe.solution == atlas

    # 2. A member with a SONS order for another solution is refused, with the reason.
    conflit = CommandeSons.objects.filter(etablissement__membres__grappe=brouillon.grappe).exclude(
        solution__nom=atlas.nom).select_related("solution").first()
    assert conflit is not None
    page = navigateur.get(reverse("candidatures:edition", args=[brouillon.pk])).content.decode()
    assert conflit.etablissement_id in page
    assert "est exclu pour cet ESSMS" in page and conflit.solution.nom in page
    assert "après le registre au" in page  # referencing derived, not declared

    # 3. The demo vendor pushes a deployment through the API.
    editeur = User.objects.get(username="editeur.demo")
    commande = CommandeSons.objects.filter(etablissement__in=editeur.etablissements.all(),
                                           solution__editeur__comptes=editeur, statut="commande").first()
    assert commande is not None
    _, chaine = api.creer_jeton(actor=SYSTEME, utilisateur=editeur, nom="Démo", portees=["sons:ecrire", "sons:lire"],
                                expire_le=None)
    corps = {"finess_et": commande.etablissement_id, "solution_id": commande.solution_id, "vague": commande.vague,
             "date_commande": commande.date_commande.isoformat(), "date_deploiement": "2024-11-30",
             "statut": "deploye"}
    reponse = Client().post("/api/v1/sons/commandes", json.dumps(corps), content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {chaine}")
    assert reponse.status_code == 200, reponse.content
    commande.refresh_from_db()
    assert (commande.statut, commande.canal) == ("deploye", "api")

    # 4. The national dashboard shows the SONS coverage, deployments included.
    admin = Client()
    admin.force_login(User.objects.get(username="admin.cnsa"))
    tableau = admin.get(reverse("pilotage:accueil")).context["tableaux"]["sons-region"]
    total = tableau.total
    assert total[2] > 0 and total[4] >= 1
    assert "Couverture SONS (Prestation Ségur) par région" in admin.get(reverse("pilotage:accueil")).content.decode()
