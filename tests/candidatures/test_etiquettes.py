"""Labels per campaign (issue 16, item 3): defaults created with a campaign, managed by the national
administrator, put on a dossier by the agents who instruct it, filtered and exported in the queue — and never
shown to the porteur."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.candidatures import etiquettes
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Etiquette
from esms.comptes.models import AuditEvent, Role
from tests import factories


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84")


@pytest.fixture
def admin(ref, make_user):
    return make_user(Role.ADMIN_NATIONAL)


@pytest.fixture
def dossiers(ref):
    a = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    b = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    etiquettes.creer_par_defaut(a.grappe.campagne)
    return a, b


def _etiquette(dossier, nom: str) -> Etiquette:
    return Etiquette.objects.get(campagne=dossier.grappe.campagne, nom=nom)


def test_une_campagne_chargee_recoit_les_etiquettes_par_defaut(admin):
    from esms.candidatures import campagnes

    campagnes.charger(actor=admin, code="2024")
    noms = list(Etiquette.objects.filter(campagne__code="2024").values_list("nom", flat=True))
    assert noms == ["À examiner", "Complet", "Incomplet", "À présenter en séance"]


def test_l_agent_etiquette_et_filtre_sa_file(client, agent, dossiers):
    a, b = dossiers
    client.force_login(agent)
    page = client.get(reverse("candidatures:dossier", args=[a.pk])).content.decode()
    assert "Étiquettes d'instruction" in page and "Enregistrer les étiquettes" in page
    complet = _etiquette(a, "Complet")
    reponse = client.post(reverse("candidatures:etiqueter", args=[a.pk]), {"etiquettes": [complet.pk]})
    assert reponse.status_code == 302 and reponse["Location"].endswith("#etiquettes")
    assert list(a.etiquettes.values_list("nom", flat=True)) == ["Complet"]
    evenement = AuditEvent.objects.get(action="dossiers.etiqueter")
    assert (evenement.before, evenement.after) == ({"etiquettes": []}, {"etiquettes": ["Complet"]})
    file = client.get(reverse("candidatures:instruction"), {"etiquette": complet.pk})
    assert [d.pk for d in file.context["page_obj"]] == [a.pk]
    export = client.get(reverse("candidatures:export", args=["csv"]), {"etiquette": complet.pk})
    texte = export.content.decode("utf-8-sig")
    assert texte.splitlines()[0].endswith("Instructeur;Étiquettes") and texte.splitlines()[1].endswith(";Complet")
    # untick everything: the dossier has no label left
    client.post(reverse("candidatures:etiqueter", args=[a.pk]), {})
    assert not a.etiquettes.exists()


def test_une_etiquette_d_une_autre_campagne_est_refusee(agent, dossiers):
    a, _ = dossiers
    autre = etiquettes.creer(actor=factories.make_user(Role.ADMIN_NATIONAL), campagne=factories.campagne("2025"),
                             nom="Complet", couleur="green-emeraude")
    with pytest.raises(CandidatureRefusee, match="autre campagne"):
        etiquettes.etiqueter(actor=agent, dossier=a, etiquettes=[autre])
    assert not a.etiquettes.exists()


def test_le_porteur_ne_voit_ni_ne_pose_d_etiquette(client, ref, make_user, dossiers):
    a, _ = dossiers
    a.etiquettes.add(_etiquette(a, "Incomplet"))
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    client.force_login(porteur)
    page = client.get(reverse("candidatures:dossier", args=[a.pk])).content.decode()
    assert "Incomplet" not in page and "Étiquettes d'instruction" not in page
    assert client.post(reverse("candidatures:etiqueter", args=[a.pk]), {"etiquettes": []}).status_code == 403
    assert list(a.etiquettes.values_list("nom", flat=True)) == ["Incomplet"]


def test_un_agent_d_une_autre_region_ne_pose_pas_d_etiquette(client, make_user, dossiers):
    a, _ = dossiers
    client.force_login(make_user(Role.AGENT_ARS, region="94"))
    assert client.post(reverse("candidatures:etiqueter", args=[a.pk]),
                       {"etiquettes": [_etiquette(a, "Complet").pk]}).status_code == 404
    assert not a.etiquettes.exists()


def test_l_administrateur_gere_les_etiquettes_de_la_campagne(client, admin, dossiers):
    a, _ = dossiers
    code = a.grappe.campagne.code
    client.force_login(admin)
    client.post(reverse("campagnes:creer_etiquette", args=[code]), {"nom": "  Pièce  manquante ", "couleur": "pink-tuile"})
    nouvelle = _etiquette(a, "Pièce manquante")
    assert nouvelle.couleur == "pink-tuile"
    doublon = client.post(reverse("campagnes:creer_etiquette", args=[code]), {"nom": "Complet", "couleur": "pink-tuile"},
                          follow=True)
    assert "a déjà une étiquette « Complet »" in doublon.content.decode()
    a.etiquettes.add(nouvelle)
    client.post(reverse("campagnes:supprimer_etiquette", args=[code, nouvelle.pk]))
    assert not Etiquette.objects.filter(pk=nouvelle.pk).exists() and not a.etiquettes.exists()
    assert AuditEvent.objects.get(action="campagnes.etiquette_supprimee").before == {"etiquette": "Pièce manquante",
                                                                                       "dossiers": 1}


def test_un_agent_ne_gere_pas_les_etiquettes_de_la_campagne(client, agent, dossiers):
    a, _ = dossiers
    client.force_login(agent)
    code = a.grappe.campagne.code
    assert client.post(reverse("campagnes:creer_etiquette", args=[code]), {"nom": "X", "couleur": "pink-tuile"}
                       ).status_code == 403
    assert client.post(reverse("campagnes:supprimer_etiquette", args=[code, _etiquette(a, "Complet").pk])
                       ).status_code == 403
