"""Filing like a State service, porteur side: readable refusals, the verdict's banner, the summary and the
receipt with its digest, withdrawal, documents replaced or deleted before filing, complement requests with a
deadline and their reminder on the task queue, the verdict of a filed dossier at its filing date."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from esms.candidatures import accuse, rappels, services
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.lisibles import erreurs_lisibles
from esms.candidatures.models import Document, Dossier
from esms.candidatures.selectors import verdict_courant
from esms.candidatures.views_verdict import presenter
from esms.comptes.models import Role
from esms.dates import champ_date
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def porteur(ref, make_user):
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT_ARS, region="84")


def _depose(ref, porteur, **options):
    factories.version_parametres()
    brouillon = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                            pieces=True)
    return services.deposer(actor=porteur, dossier=brouillon, **options)


# --- Readable refusals --------------------------------------------------------------------------

def test_les_erreurs_d_entree_des_regles_deviennent_une_phrase_par_champ_sans_chemin_json():
    membres = [(f"0100000{i:02d}", f"EHPAD {i}") for i in range(16)]
    erreurs = [f"members[{i}].solution_dui : texte non vide attendu" for i in range(16)]
    phrases = erreurs_lisibles(erreurs, membres)
    assert phrases == [
        "Pour 16 établissements (010000000 « EHPAD 0 », 010000001 « EHPAD 1 », 010000002 « EHPAD 2 », 010000003 "
        "« EHPAD 3 », 010000004 « EHPAD 4 » et 11 autre(s)), la solution DUI de la grappe n'est pas choisie : "
        "choisissez-la dans le registre, section « La grappe », puis enregistrez la grappe."]
    vide = erreurs_lisibles(["members : liste non vide d'établissements attendue"], [])
    assert vide[0].startswith("La grappe ne compte aucun établissement : ajoutez au moins un établissement")
    assert not any("members" in p or "[" in p for p in [*phrases, *vide])


def test_une_erreur_inconnue_reste_lisible():
    phrase = erreurs_lisibles(["members[0].ght : booléen attendu (true ou false)"], [("010000000", "EHPAD")])
    assert phrase == ["Établissement 010000000 « EHPAD » : donnée invalide (booléen attendu (true ou false)) ; "
                      "retirez-le de la grappe et signalez l'anomalie à votre ARS."]


def test_le_verdict_d_une_grappe_vide_est_une_phrase(ref, porteur):
    factories.version_parametres()
    dossier = factories.dossier_brouillon(porteur, ref.og_ara)
    verdict, raison = verdict_courant(dossier)
    assert verdict is None and raison.startswith("La grappe ne compte aucun établissement")
    with pytest.raises(CandidatureRefusee) as refus:
        services.deposer(actor=porteur, dossier=dossier)
    assert refus.value.messages[0] == "Dépôt refusé : le dossier est incomplet."
    assert "members" not in " ".join(refus.value.messages)


def test_un_refus_de_regle_bloquante_dit_quoi_faire(ref, porteur):
    factories.version_parametres()
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 3),
                                          pieces=True)
    with pytest.raises(CandidatureRefusee) as refus:
        services.deposer(actor=porteur, dossier=dossier)
    assert any("minimum requis : 15" in m and "Ajoutez des établissements éligibles" in m
               for m in refus.value.messages)


# --- The verdict's banner -----------------------------------------------------------------------

def _verdict(eligible=True, delais=True, motifs=()):
    return {"eligible": eligible, "dans_les_delais": delais, "appel": "regional", "region_pilote": None,
            "motifs": list(motifs), "financement": {"total": 0, "par_membre": []}}


def test_le_bandeau_n_est_vert_que_si_toutes_les_regles_sont_respectees():
    ok = {"rule": "grappe.taille", "ok": True, "message": "15 ESSMS"}
    ko = {"rule": "membre.categorie", "ok": False, "message": "hôpital", "finess_et": "010000000"}
    assert presenter(_verdict(motifs=[ok]))["bandeau"]["niveau"] == "success"
    avec_ko = presenter(_verdict(motifs=[ok, ko, ko]))
    assert avec_ko["bandeau"]["niveau"] == "warning" and avec_ko["non_respectees"] == 2
    assert avec_ko["bandeau"]["titre"] == "Grappe recevable, mais 2 règle(s) non respectée(s)"
    tard = presenter(_verdict(eligible=False, delais=False))
    assert tard["bandeau"] == {"niveau": "error", "titre": "Grappe non recevable — hors délais",
                               "detail": "Corrigez les règles marquées ✗ ci-dessous."}


def test_une_information_n_est_jamais_une_regle_respectee():
    info = {"rule": "financement.calcul", "ok": True, "message": "Dossier non éligible : aucun financement"}
    reserve = {"rule": "grappe.taille_reserve", "ok": True, "message": "idéalement huit"}
    verdict = presenter(_verdict(eligible=False, delais=False, motifs=[info, reserve]))
    assert [m["statut"] for m in verdict["motifs"]] == ["info", "reserve"]


# --- Filing: summary, confirmation, receipt -----------------------------------------------------

def test_le_depot_fige_le_contenu_et_son_empreinte(ref, porteur):
    dossier = _depose(ref, porteur)
    contenu = dossier.contenu_depose
    assert contenu["numero"] == dossier.numero and contenu["montant_demande"] == 75_000
    assert len(contenu["membres"]) == 15 and sum(m["montant"] for m in contenu["membres"]) == 75_000
    assert {d["type"] for d in contenu["documents"]} == {"lettre_engagement", "convention_grappe", "non_cumul_ue"}
    assert all(len(d["sha256"]) == 64 for d in contenu["documents"])
    canonique = json.dumps(contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert dossier.empreinte_depot == hashlib.sha256(canonique).hexdigest() == accuse.empreinte(contenu)
    relu = Dossier.objects.get(pk=dossier.pk)  # the JSON read back from the database gives the same digest
    assert accuse.empreinte(relu.contenu_depose) == relu.empreinte_depot


def test_l_accuse_de_depot_porte_le_numero_et_l_empreinte(ref, porteur, client, make_user):
    dossier = _depose(ref, porteur)
    from django.template.loader import render_to_string

    html = render_to_string("candidatures/accuse_depot.html", {
        "contenu": dossier.contenu_depose, "dossier": dossier, "empreinte": dossier.empreinte_depot,
        "verifiee": True, "depose_le": dossier.depose_le, "edite_le": timezone.now()})
    assert dossier.numero in html and dossier.empreinte_depot in html and "75" in html
    client.force_login(porteur)
    reponse = client.get(reverse("candidatures:accuse_pdf", args=[dossier.pk]))
    assert reponse["Content-Type"] == "application/pdf" and reponse.content.startswith(b"%PDF")
    intrus = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    client.force_login(intrus)
    assert client.get(reverse("candidatures:accuse_pdf", args=[dossier.pk])).status_code == 404


def test_le_depot_demande_une_confirmation_explicite(ref, porteur, client):
    factories.version_parametres()
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                          pieces=True)
    client.force_login(porteur)
    recap = client.get(reverse("candidatures:deposer", args=[dossier.pk])).content.decode()
    assert "Établissements membres (15)" in recap and "Pièces (3)" in recap and "23 h 59" in recap
    page = client.post(reverse("candidatures:deposer", args=[dossier.pk])).content.decode()
    assert "Confirmation : cochez la case pour confirmer le dépôt." in page
    assert Dossier.objects.get(pk=dossier.pk).etat == "brouillon"


# --- Withdrawal ---------------------------------------------------------------------------------

def test_le_porteur_retire_son_dossier_et_l_ars_est_prevenue(ref, porteur, agent):
    dossier = _depose(ref, porteur)
    services.appliquer(actor=porteur, dossier=dossier, transition="retirer", commentaire="Projet abandonné.")
    dossier.refresh_from_db()
    assert dossier.etat == "retire"
    assert agent.notifications.filter(sujet__contains="retiré par le porteur").exists()
    # Its establishments are free for another dossier of the campagne.
    assert services.membres_deja_engages(factories.dossier_brouillon(
        porteur, ref.og_ara, [m.etablissement for m in dossier.grappe.membres.all()[:1]], nom="Autre")) == []


def test_l_ars_ne_peut_pas_retirer_le_dossier(ref, porteur, agent):
    dossier = _depose(ref, porteur)
    with pytest.raises(Exception, match="habilité"):
        services.appliquer(actor=agent, dossier=dossier, transition="retirer")


# --- Documents before filing --------------------------------------------------------------------

def test_remplacer_puis_supprimer_une_piece_du_brouillon(ref, porteur, settings):
    factories.version_parametres()
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, pieces=True)
    ancienne = dossier.documents.get(type=Document.Type.CONVENTION_GRAPPE)
    nouvelle = services.remplacer_document(actor=porteur, dossier=dossier, document=ancienne,
                                           fichier=factories.pdf_upload("v2.pdf"))
    assert nouvelle.type == Document.Type.CONVENTION_GRAPPE and not Document.objects.filter(pk=ancienne.pk).exists()
    services.supprimer_document(actor=porteur, dossier=dossier, document=nouvelle)
    assert "Convention de grappe" in services.pieces_manquantes(dossier)


def test_une_piece_deposee_avec_le_dossier_reste(ref, porteur, agent):
    dossier = _depose(ref, porteur)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    services.demander_complement(actor=agent, dossier=dossier, commentaire="Devis ?", delai=None)
    piece = dossier.documents.first()
    with pytest.raises(CandidatureRefusee, match="figure sur l'accusé de dépôt"):
        services.supprimer_document(actor=porteur, dossier=dossier, document=piece)
    ajoutee = services.deposer_document(actor=porteur, dossier=dossier, type=Document.Type.DEVIS,
                                        fichier=factories.pdf_upload("devis.pdf"))
    services.supprimer_document(actor=porteur, dossier=dossier, document=ajoutee)  # added since: may go


# --- Complement requests: deadline, reminder, verdict at the filing date --------------------------

def test_une_demande_de_complement_a_une_date_limite_future(ref, porteur, agent):
    dossier = _depose(ref, porteur)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    with pytest.raises(CandidatureRefusee, match="n'est pas dans le futur"):
        services.demander_complement(actor=agent, dossier=dossier, commentaire="x", delai=timezone.localdate())
    services.demander_complement(actor=agent, dossier=dossier, commentaire="Les devis.",
                                 delai=timezone.localdate() + timedelta(days=10))
    dossier.refresh_from_db()
    assert dossier.complement_attendu_le == timezone.localdate() + timedelta(days=10)
    assert "Réponse attendue au plus tard le" in dossier.transitions.last().commentaire
    services.appliquer(actor=porteur, dossier=dossier, transition="repondre_complement")
    dossier.refresh_from_db()
    assert dossier.complement_attendu_le is None


def test_le_rappel_est_differe_sur_la_file_en_base(ref, porteur, agent, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    dossier = _depose(ref, porteur)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets itself
    delai = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.demander_complement(actor=agent, dossier=dossier, commentaire="Les devis.", delai=delai)
    tache = DBTaskResult.objects.get()
    assert tache.task_path.endswith("rappeler_complement")
    assert tache.args_kwargs["kwargs"] == {"dossier_id": dossier.pk, "attendu_le": delai.isoformat()}
    assert timezone.localtime(tache.run_after) == rappels.date_du_rappel(delai)
    assert timezone.localtime(tache.run_after).date() == delai - timedelta(days=3)


def test_le_rappel_part_une_fois_et_pas_apres_la_reponse(ref, porteur, agent):
    dossier = _depose(ref, porteur)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    delai = timezone.localdate() + timedelta(days=2)
    services.demander_complement(actor=agent, dossier=dossier, commentaire="Les devis.", delai=delai)
    assert rappels.rappeler(dossier_id=dossier.pk, attendu_le="2000-01-01") is False  # another request's date
    assert rappels.rappels_dus() == 1
    assert porteur.notifications.filter(sujet__startswith="Rappel : complément attendu le").count() == 1
    assert rappels.rappels_dus() == 0 and rappels.rappeler(dossier_id=dossier.pk,
                                                              attendu_le=delai.isoformat()) is False
    services.appliquer(actor=porteur, dossier=dossier, transition="repondre_complement")
    assert rappels.rappels_dus() == 0


def test_le_verdict_d_un_dossier_en_complement_est_celui_de_la_date_de_depot(ref, porteur, agent):
    il_y_a_100_jours = timezone.now() - timedelta(days=100)
    factories.version_parametres(parametres=factories.parametres_campagne_ouverte(autour_de=il_y_a_100_jours.date()))
    brouillon = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                            pieces=True)
    dossier = services.deposer(actor=porteur, dossier=brouillon, maintenant=il_y_a_100_jours)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    services.demander_complement(actor=agent, dossier=dossier, commentaire="Devis ?", delai=None)
    verdict, _ = verdict_courant(Dossier.objects.get(pk=dossier.pk))
    assert verdict["dans_les_delais"] and verdict["eligible"] and verdict["financement"]["total"] == 75_000


# --- Date fields --------------------------------------------------------------------------------

def test_un_champ_de_date_affiche_l_iso_et_accepte_les_deux_formes():
    from django import forms

    class F(forms.Form):
        le = champ_date("Le")

    assert 'value="2026-11-26"' in str(F(initial={"le": date(2026, 11, 26)})["le"])
    for saisie in ("2026-11-26", "26/11/2026"):
        form = F({"le": saisie})
        assert form.is_valid() and form.cleaned_data["le"] == date(2026, 11, 26)
    assert F({"le": "31/02/2026"}).errors["le"] == ["Le : date attendue (jj/mm/aaaa)."]
