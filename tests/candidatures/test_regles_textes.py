"""What the web app takes from the rules that follow the published texts: the commitment deadline and
the ARS's appreciation of a reservation when retaining, the selection window stored on the dossier and
filtered in the ARS queue, the porteur's choice of lead ARS, what the app gives the rules (size of each
member's organisme, equipment asked per member) and the national targets read from the rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from esms.candidatures import regles, selectors, services
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Dossier, Membre
from esms.comptes.models import AuditEvent, Role
from esms.comptes.permissions import SYSTEME
from esms.financement import services as financement
from esms.rules import campagne_to_dict, load_campagne
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def agent_corse(ref, make_user):
    return make_user(Role.AGENT_ARS, region="94", username="agent.corse")


def _dossier_corse_2022(ref, *, verdict: dict | None = None, montant: int = 50_000) -> Dossier:
    camp = factories.campagne("2022")
    factories.version_parametres(camp, parametres=campagne_to_dict(load_campagne("2022")))
    corse = ref.corse
    dossier = factories.dossier_depose(ref.og_corse, region=corse, camp=camp, montant=montant)
    dossier.verdict = verdict or {"reserves": []}
    dossier.save()
    enveloppe = financement.creer_enveloppe(actor=SYSTEME, campagne=camp, region=corse)
    financement.doter(actor=SYSTEME, enveloppe=enveloppe, montant=1_000_000, libelle="Délégation 2022")
    return dossier


@pytest.mark.parametrize(("instant", "retenu"), [
    (datetime(2022, 12, 29, 23, 59, 59, tzinfo=PARIS), True),
    (datetime(2022, 12, 30, 0, 0, 0, tzinfo=PARIS), False),
])
def test_retenir_apres_la_date_limite_d_engagement_est_refuse(ref, agent_corse, instant, retenu):
    """ARS de Corse 2022: « L'engagement … doit intervenir avant le 30 décembre 2022 »."""
    dossier = _dossier_corse_2022(ref)
    if retenu:
        dossier = services.retenir(actor=agent_corse, dossier=dossier, montant=50_000, maintenant=instant)
        assert dossier.etat == "retenu" and dossier.decide_le == instant
    else:
        with pytest.raises(CandidatureRefusee, match="avant le 30/12/2022"):
            services.retenir(actor=agent_corse, dossier=dossier, montant=50_000, maintenant=instant)
        dossier.refresh_from_db()
        assert dossier.etat == "en_instruction" and dossier.montant_retenu is None


def test_la_reserve_corse_est_appreciee_avec_la_decision(ref, agent_corse):
    reserve = {"rule": "grappe.taille_reserve", "message": "5 établissement(s) … l'ARS appréciera ce seuil"}
    dossier = _dossier_corse_2022(ref, verdict={"reserves": [reserve]})
    instant = datetime(2022, 11, 2, 10, 0, tzinfo=PARIS)
    with pytest.raises(CandidatureRefusee, match="appréciation des réserves"):
        services.retenir(actor=agent_corse, dossier=dossier, montant=50_000, maintenant=instant)
    dossier = services.retenir(actor=agent_corse, dossier=dossier, montant=50_000, maintenant=instant,
                               appreciation_reserve="Porteur mature : seuil de huit apprécié favorablement.")
    assert dossier.appreciation_reserve.startswith("Porteur mature")
    evenement = AuditEvent.objects.get(action="dossiers.retenir", object_id=str(dossier.pk))
    assert "seuil de huit" in evenement.after["appreciation_reserve"]


def test_la_file_d_instruction_filtre_par_fenetre(ref, agent_corse):
    premiere = _dossier_corse_2022(ref)
    premiere.fenetre = "1"
    premiere.save()
    seconde = factories.dossier_depose(ref.og_corse, region=premiere.region_pilote, camp=premiere.grappe.campagne)
    seconde.fenetre = "2"
    seconde.save()
    assert list(selectors.file_instruction(actor=agent_corse, filtres={"fenetre": "2"})) == [seconde]
    assert set(selectors.file_instruction(actor=agent_corse, filtres={})) == {premiere, seconde}


def test_le_depot_corse_2022_garde_sa_fenetre_et_le_choix_de_l_ars(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    camp = factories.campagne("2022")
    factories.version_parametres(camp, parametres=campagne_to_dict(load_campagne("2022")))
    membres = [factories.etablissement(ref.csud, ref.og_corse, f"EHPAD {i}", prefix="2A") for i in range(8)]
    dossier = factories.dossier_brouillon(porteur, ref.og_corse, membres, pieces=True, camp=camp)
    depose = services.deposer(actor=porteur, dossier=dossier, maintenant=datetime(2022, 6, 16, 9, 0, tzinfo=PARIS))
    assert depose.fenetre == "2" and depose.verdict["fenetre"]["code"] == "2"
    assert depose.verdict["ouverture"] == "2022-03-18"


def test_le_porteur_choisit_l_ars_et_la_trace_le_dit(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    factories.version_2024()
    membres = factories.etablissements(ref.ain, ref.og_ara, 10) + [
        factories.etablissement(ref.csud, ref.og_ara, f"EHPAD {i}", prefix="2A") for i in range(8)]
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, membres, camp=factories.campagne("2024"))
    verdict = regles.evaluer(dossier.grappe, submitted_at=datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    assert verdict["region_pilote"] == "84" == verdict["region_pilote_par_defaut"]
    services.modifier_grappe(actor=porteur, dossier=dossier, nom="Grappe", solution=factories.solution_referencee(),
                             region_pilote_choisie="94")
    dossier.grappe.refresh_from_db()
    verdict = regles.evaluer(dossier.grappe, submitted_at=datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    assert verdict["region_pilote"] == "94" and verdict["region_pilote_par_defaut"] == "84"
    pilote = next(m for m in verdict["motifs"] if m["rule"] == "appel.region_pilote")
    assert "choisie par le porteur : 94" in pilote["message"]


def test_l_application_donne_aux_regles_la_taille_de_chaque_organisme_et_l_equipement_demande(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    factories.version_2024()
    grand = factories.etablissements(ref.ain, ref.og_ara, 14)
    petit_og = factories.organisme("01", "Petite association")
    petit = factories.etablissements(ref.ain, petit_og, 2)
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, grand + petit, camp=factories.campagne("2024"))
    Membre.objects.filter(grappe=dossier.grappe, etablissement=petit[0]).update(montant_equipement_demande=12_000)
    Membre.objects.filter(grappe=dossier.grappe, etablissement=petit[1]).update(montant_equipement_demande=3_000)
    donnees = regles.entree(dossier.grappe, submitted_at=datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    assert {"finess_ej": petit_og.pk, "nb_essms_geres": 2} in donnees["organismes"]
    verdict = regles.evaluer(dossier.grappe, submitted_at=datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    par_et = {ligne["finess_et"]: ligne["detail"] for ligne in verdict["financement"]["par_membre"]}
    assert par_et[petit[0].pk]["equipement"] == 10_000  # 10 000 € cap per ESSMS on what is asked
    assert par_et[petit[1].pk]["equipement"] == 3_000
    assert par_et[grand[0].pk]["equipement"] == 0  # the porteur runs 16 ESSMS: not small


def test_le_porteur_saisit_l_equipement_demande_par_membre(ref, make_user, client):
    from django.urls import reverse

    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    factories.version_2024(ouverte_aujourdhui=True)
    membres = factories.etablissements(ref.ain, ref.og_ara, 15)
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, membres, camp=factories.campagne("2024"))
    client.force_login(porteur)
    prefixe = f"m{membres[0].pk}"
    reponse = client.post(reverse("candidatures:modifier_membre", args=[dossier.pk, membres[0].pk]), {
        f"{prefixe}-cas": "acquisition", f"{prefixe}-part_heures_eligibles": "1",
        f"{prefixe}-sons_eligible": "on", f"{prefixe}-montant_equipement_demande": "7500"})
    assert reponse.status_code in (200, 302)
    assert Membre.objects.get(grappe=dossier.grappe, etablissement=membres[0]).montant_equipement_demande == 7_500
    donnees = regles.entree(dossier.grappe, submitted_at=datetime(2024, 5, 2, 10, 0, tzinfo=PARIS))
    assert donnees["members"][0]["montant_equipement_demande"] == 7_500
