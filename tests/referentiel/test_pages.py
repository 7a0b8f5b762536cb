"""Référentiel pages: login required, search (name without accents, number, filters, pagination, htmx, CSV),
establishment page (eligibility, EJ link, mini-map, no N+1), OG page, imports list and upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import Notification, Role
from esms.comptes.permissions import SYSTEME
from esms.referentiel import views
from esms.referentiel.models import ImportFiness, OrganismeGestionnaire
from esms.referentiel.services import importer_finess
from tests.referentiel import generateur
from tests.referentiel.generateur import numero

RECHERCHE = reverse("referentiel:recherche")


def _finess(reponse) -> list[str]:
    return [et.finess_et for et in reponse.context["page_obj"]]


@pytest.mark.parametrize("url", [
    reverse("referentiel:recherche"), reverse("referentiel:imports"),
    reverse("referentiel:etablissement", args=["010000016"]), reverse("referentiel:organisme", args=["010001006"]),
])
def test_anonyme_redirige_vers_la_connexion(client, db, url):
    reponse = client.get(url)
    assert reponse.status_code == 302 and reverse("comptes:login") in reponse["Location"]


def test_page_de_recherche(client_admin, importe):
    reponse = client_admin.get(RECHERCHE)
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "<caption>Résultats de la recherche" in html and 'for="id_q"' in html
    assert len(_finess(reponse)) == 11


@pytest.mark.parametrize(("criteres", "attendus"), [
    ({"q": "résidence œillet"}, [numero("01", 2)]),
    ({"q": "Residence l'oeillet amberieu"}, [numero("01", 2)]),
    ({"q": "ehpad"}, [numero("9701", 1), numero("01", 1), numero("2A", 1)]),
    ({"q": numero("2B", 1)}, [numero("2B", 1)]),
    ({"q": generateur.EJ_CORSE}, [numero("2B", 1), numero("2A", 1)]),
    ({"q": "9701"}, [numero("9701", 1)]),
    ({"departement": "2A"}, [numero("2A", 1)]),
    ({"departement": "974"}, [numero("9704", 1)]),
    ({"categorie": "183"}, [numero("9703", 1), numero("75", 1)]),
    ({"secteur": "handicap_enfants"}, [numero("9703", 1), numero("75", 1)]),
    ({"commune": "Bourg-en-Bresse"}, [numero("01", 1)]),
    ({"commune": "75013"}, [numero("75", 1), numero("75", 2)]),
    ({"commune": "Saint-Denis"}, [numero("9704", 1)]),
    ({"commune": "2A004"}, [numero("2A", 1)]),
    ({"q": "pharmacie", "eligibles": "on"}, []),
    ({"departement": "75", "eligibles": "on"}, [numero("75", 1)]),
])
def test_recherche_et_filtres(client_admin, importe, criteres, attendus):
    reponse = client_admin.get(RECHERCHE, criteres)
    assert sorted(_finess(reponse)) == sorted(attendus)


def test_statut_ouvert_ferme(client_admin, importe):
    importer_finess(actor=SYSTEME, chemin=generateur.ET_2, confirmer=True)
    assert numero("75", 2) not in _finess(client_admin.get(RECHERCHE))
    reponse = client_admin.get(RECHERCHE, {"statut": "fermes"})
    assert _finess(reponse) == [numero("75", 2)]
    assert "Fermé le 01/03/2021" in reponse.content.decode()
    assert len(_finess(client_admin.get(RECHERCHE, {"statut": "tous"}))) == 12


def test_pagination(client_admin, importe, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(views, "PAR_PAGE", 4)
    premiere = client_admin.get(RECHERCHE)
    assert len(_finess(premiere)) == 4 and "Page 1 sur 3" in premiere.content.decode()
    with django_assert_max_num_queries(10):
        troisieme = client_admin.get(RECHERCHE, {"page": 3})
    assert len(_finess(troisieme)) == 3
    assert not set(_finess(premiere)) & set(_finess(troisieme))


def test_resultats_htmx(client_admin, importe):
    reponse = client_admin.get(RECHERCHE, {"q": "ehpad"}, headers={"HX-Request": "true"})
    html = reponse.content.decode()
    assert "<html" not in html and "EHPAD U SOLE" in html and 'role="status"' in html


def test_export_csv(client_admin, importe):
    reponse = client_admin.get(RECHERCHE, {"departement": "01", "export": "csv"})
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = b"".join(reponse.streaming_content).decode("utf-8-sig").splitlines()
    assert lignes[0].startswith("FINESS ET;FINESS EJ;Organisme gestionnaire;SIREN de l'organisme;Raison sociale")
    assert len(lignes) == 3 and lignes[1].startswith(numero("01", 1)) and ";oui;" in lignes[1]


def test_recherche_par_nom_d_organisme_et_nom_inconnu_dit_clairement(client_admin, referentiel):
    importer_finess(actor=SYSTEME, chemin=generateur.ET_1, chemin_ej=generateur.EJ_1)
    html = client_admin.get(RECHERCHE, {"q": "aindinoise"}).content.decode()
    assert "ASSOCIATION AINDINOISE" in html and "123456789" in html and numero("01", 1) in _finess(
        client_admin.get(RECHERCHE, {"q": "aindinoise"}))
    ebauche = OrganismeGestionnaire.objects.filter(empreinte="").first()
    page = client_admin.get(reverse("referentiel:organisme", args=[ebauche.pk])).content.decode()
    assert "Nom inconnu (aucun fichier des entités juridiques importé)" in page


def test_page_etablissement(client_admin, importe, django_assert_max_num_queries):
    url = reverse("referentiel:etablissement", args=[numero("01", 1)])
    with django_assert_max_num_queries(9):  # + the SONS orders section (issue 14)
        reponse = client_admin.get(url)
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "EHPAD LES TILLEULS" in html and "Éligible (art. L.312-1 CASF)" in html
    assert "Personnes âgées" in html and "L.312-1" in html
    assert reverse("referentiel:organisme", args=[generateur.EJ_AIN]) in html
    assert "<svg" in html and 'role="img"' in html and "<circle" in html and "Bourg-en-Bresse (01053)" in html
    assert "Latitude 46,2052" in html


def test_page_etablissement_sans_coordonnees(client_admin, importe):
    html = client_admin.get(reverse("referentiel:etablissement", args=[numero("69", 1)])).content.decode()
    assert "pas de coordonnées" in html and "<circle" not in html


def test_etablissement_inconnu_404(client_admin, importe):
    assert client_admin.get(reverse("referentiel:etablissement", args=["010009999"])).status_code == 404
    assert client_admin.get(reverse("referentiel:organisme", args=["010009999"])).status_code == 404


def test_page_organisme(client_admin, importe):
    html = client_admin.get(reverse("referentiel:organisme", args=[generateur.EJ_CORSE])).content.decode()
    assert "EHPAD U SOLE" in html and "SSIAD DI BASTIA" in html and "Nom inconnu" in html
    assert "2 dont 2 ouverts et 2 ouverts éligibles" in html


def test_tous_les_roles_consultent(client, importe, utilisateur):
    porteur = utilisateur(Role.RESPONSABLE_OG, organismes=[generateur.EJ_AIN])
    client.force_login(porteur)
    assert len(_finess(client.get(RECHERCHE))) == 11
    assert client.get(reverse("referentiel:etablissement", args=[numero("2A", 1)])).status_code == 200


def test_page_des_imports(client, importe, utilisateur):
    client.force_login(utilisateur(Role.AGENT_ARS, region="84"))
    html = client.get(reverse("referentiel:imports")).content.decode()
    assert importe.sha256[:10] in html and "etalab-cs1100507-stock-20210108-mini.csv" in html
    assert "Lancer un import" not in html
    client.force_login(utilisateur(Role.RESPONSABLE_OG, organismes=[generateur.EJ_AIN]))
    assert client.get(reverse("referentiel:imports")).status_code == 403


def test_televersement_par_l_administrateur(client_admin, referentiel):
    html = client_admin.get(reverse("referentiel:imports")).content.decode()
    assert "Lancer un import" in html
    fichier = SimpleUploadedFile("etalab-cs1100507-stock-20210108-mini.csv", generateur.ET_1.read_bytes())
    reponse = client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "latin-1"},
                                follow=True)
    assert "Import programmé" in reponse.content.decode()
    importe = ImportFiness.objects.get()
    assert importe.fichier == "etalab-cs1100507-stock-20210108-mini.csv"
    notification = Notification.objects.get(destinataire__username=reponse.wsgi_request.user.username)
    assert notification.sujet.startswith(f"Import FINESS n° {importe.pk} réussi")
    assert "11 créé(s)" in notification.texte


def test_televersement_invalide_message_localise(client_admin, importe):
    octets = generateur.ET_2.read_bytes().replace(b";500;", b";999;", 1)
    fichier = SimpleUploadedFile("finess.csv", octets)
    reponse = client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "latin-1"},
                                follow=True)
    assert "Import programmé" in reponse.content.decode()
    notification = Notification.objects.get(sujet__startswith="Import FINESS refusé")
    assert notification.texte.startswith("ligne 2, champ categetab")


def test_un_refus_a_plusieurs_anomalies_dit_quoi_faire_sur_la_page_sans_option_de_commande(client_admin, importe):
    octets = generateur.ET_2.read_bytes().replace(b";500;", b";998;", 2)
    client_admin.post(reverse("referentiel:importer"), {"fichier": SimpleUploadedFile("finess.csv", octets),
                                                        "encodage": "latin-1"})
    notification = Notification.objects.get(sujet__startswith="Import FINESS refusé")
    echec = ImportFiness.objects.get(statut=ImportFiness.Statut.ECHOUE)
    for texte in (notification.texte, echec.erreur):  # what the uploader reads on the platform
        assert "1 autre(s) anomalie(s)" in texte and "--skip-invalid" not in texte
    assert "cochez « Importer les lignes valides et produire un rapport des rejets »" in notification.texte


def test_televersement_refuse_a_l_agent(client, referentiel, utilisateur):
    client.force_login(utilisateur(Role.AGENT_ARS, region="84"))
    fichier = SimpleUploadedFile("finess.csv", generateur.ET_1.read_bytes())
    assert client.post(reverse("referentiel:importer"), {"fichier": fichier}).status_code == 403
    assert not ImportFiness.objects.exists()


def test_rapport_des_rejets_telechargeable(client_admin, importe, ecrire):
    octets = generateur.ET_2.read_bytes().replace(b";620;", b";999;", 1).replace(b";500;", b";998;", 1)
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire(octets), ignorer_invalides=True, confirmer=True)
    html = client_admin.get(reverse("referentiel:imports")).content.decode()
    assert reverse("referentiel:rejets", args=[resultat.pk]) in html
    reponse = client_admin.get(reverse("referentiel:rejets", args=[resultat.pk]))
    contenu = b"".join(reponse.streaming_content).decode("utf-8-sig")
    assert contenu.startswith("ligne;champ;valeur;message") and "categetab;998" in contenu
    assert client_admin.get(reverse("referentiel:rejets", args=[importe.pk])).status_code == 404


def test_le_televersement_est_mis_en_file_sur_la_file_en_base(client_admin, referentiel, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # django-tasks resets itself
    fichier = SimpleUploadedFile("etalab-cs1100507-stock-20210108-mini.csv", generateur.ET_1.read_bytes())
    client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "latin-1"})
    assert not ImportFiness.objects.exists()  # nothing imported in the request
    tache = DBTaskResult.objects.get()
    assert tache.task_path.endswith("importer_finess_en_tache")
    assert tache.args_kwargs["kwargs"]["nom_fichier"] == "etalab-cs1100507-stock-20210108-mini.csv"
    page = client_admin.get(reverse("referentiel:imports")).content.decode()
    assert "Imports en file d&#x27;attente ou en cours (1)" in page or "Imports en file d'attente ou en cours (1)" in page
    assert "etalab-cs1100507-stock-20210108-mini.csv" in page and "En attente du traitement" in page
    DBTaskResult.objects.update(status="RUNNING")
    assert "En cours</span> depuis" in client_admin.get(reverse("referentiel:imports")).content.decode()
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert "Imports en file" not in client_admin.get(reverse("referentiel:imports")).content.decode()


def _echec_audite(message: str) -> None:
    """The refused upload is kept as a failed import with one audit event; nothing else is written."""
    from esms.comptes.models import AuditEvent

    echec = ImportFiness.objects.get()
    assert echec.statut == ImportFiness.Statut.ECHOUE and message in echec.erreur
    assert AuditEvent.objects.filter(action="referentiel.import_echoue", object_id=str(echec.pk)).count() == 1


def _aucun_fichier(var_temporaire) -> None:
    dossier = var_temporaire / "imports" / "televersements"
    assert not dossier.exists() or not any(dossier.iterdir())


def test_televersement_trop_gros_refuse_en_flux(client_admin, referentiel, settings, var_temporaire):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ESMS_LIMITES_TELEVERSEMENT = {"finess": 1000}
    fichier = SimpleUploadedFile("etalab.csv", generateur.ET_1.read_bytes())
    reponse = client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "latin-1"},
                                follow=True)
    assert "« etalab.csv » : le fichier dépasse la taille maximale admise (1000 octets)" in reponse.content.decode()
    _aucun_fichier(var_temporaire)
    _echec_audite("dépasse la taille maximale")
    assert not DBTaskResult.objects.exists()  # no import task queued


def test_bombe_gzip_refusee_par_la_taille(client_admin, referentiel, settings, var_temporaire):
    import gzip

    settings.ESMS_LIMITES_DECOMPRESSION = {"finess": 10 * 1024 * 1024}
    settings.ESMS_RATIO_DECOMPRESSION_MAX = 10**6
    bombe = gzip.compress(b"0" * (20 * 1024 * 1024))  # 20 MB of zeros in ~20 KB
    fichier = SimpleUploadedFile("finess.json.gz", bombe)
    reponse = client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "utf-8"},
                                follow=True)
    assert "« finess.json.gz » : archive refusée, son contenu décompressé dépasse la taille maximale admise (10 Mio)" \
        in reponse.content.decode()
    _aucun_fichier(var_temporaire)
    _echec_audite("taille maximale")


def test_bombe_gzip_refusee_par_le_ratio(client_admin, referentiel, var_temporaire):
    import gzip

    bombe = gzip.compress(b"0" * (20 * 1024 * 1024))
    fichier = SimpleUploadedFile("finess.json.gz", bombe)
    reponse = client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "utf-8"},
                                follow=True)
    assert "dépasse 100 fois sa taille compressée" in reponse.content.decode()
    _aucun_fichier(var_temporaire)
    _echec_audite("100 fois")


def test_gzip_recu_decompresse_avant_la_tache(client_admin, referentiel, settings, var_temporaire):
    """A gzip extract is decompressed (under the caps) when received: the task reads the plain file."""
    import gzip

    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    contenu = generateur.ET_1.read_bytes()
    fichier = SimpleUploadedFile("etalab.csv.gz", gzip.compress(contenu))
    client_admin.post(reverse("referentiel:importer"), {"fichier": fichier, "encodage": "latin-1"})
    kwargs = DBTaskResult.objects.get().args_kwargs["kwargs"]
    assert kwargs["nom_fichier"] == "etalab.csv.gz"
    from pathlib import Path

    assert Path(kwargs["chemin"]).read_bytes() == contenu
    assert [p.name for p in (var_temporaire / "imports" / "televersements").iterdir()] == [Path(kwargs["chemin"]).name]


def test_import_en_ligne_de_commande_refuse_une_bombe(referentiel, tmp_path):
    """`esms import_finess` on a gzip bomb: refused by the « finess » caps, never inflated in memory."""
    import gzip

    from esms.referentiel.erreurs import ErreurReferentiel

    chemin = tmp_path / "bombe.csv.gz"
    chemin.write_bytes(gzip.compress(b"0" * (20 * 1024 * 1024)))
    with pytest.raises(ErreurReferentiel, match="100 fois sa taille compressée"):
        importer_finess(actor=SYSTEME, chemin=chemin, encodage="latin-1")
    assert ImportFiness.objects.get().statut == ImportFiness.Statut.ECHOUE


@pytest.mark.parametrize("compresse", [False, True])
def test_un_fichier_etalab_trop_gros_pour_la_memoire_est_refuse(referentiel, tmp_path, settings, compresse):
    """The Etalab reader holds the file in memory: past ESMS_FINESS_CSV_MAX_OCTETS it is refused, recorded."""
    import gzip

    from esms.referentiel.erreurs import ErreurReferentiel

    settings.ESMS_FINESS_CSV_MAX_OCTETS = 1000
    contenu = generateur.ET_1.read_bytes()
    assert len(contenu) > 1000
    chemin = tmp_path / ("et.csv.gz" if compresse else "et.csv")
    chemin.write_bytes(gzip.compress(contenu) if compresse else contenu)
    with pytest.raises(ErreurReferentiel, match="fichier Etalab de plus de 1000 octets une fois décompressé"):
        importer_finess(actor=SYSTEME, chemin=chemin, encodage="latin-1")
    assert ImportFiness.objects.get().statut == ImportFiness.Statut.ECHOUE
