"""API tokens: creation (only the SHA-256 of the secret is kept, shown once, audited), scopes limited to the
role, revocation, the management command and the « Jetons d'API » page."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from esms.api import services
from esms.api.models import JetonAPI
from esms.comptes.models import AuditEvent, Role
from esms.comptes.permissions import SYSTEME
from tests.api.conftest import Appelant

pytestmark = pytest.mark.django_db


def test_creation_ne_garde_que_l_empreinte_du_secret(monde):
    jeton, chaine = services.creer_jeton(actor=monde.porteur_ara, utilisateur=monde.porteur_ara, nom="Mon DUI",
                                         portees=["referentiel:lire", "dossiers:lire"])
    prefixe_chaine, prefixe, secret = chaine.split("_", 2)
    assert prefixe_chaine == "esms" and prefixe == jeton.prefixe and len(secret) >= 40
    assert jeton.empreinte == hashlib.sha256(secret.encode()).hexdigest()
    assert jeton.portees == ["dossiers:lire", "referentiel:lire"]
    stocke = JetonAPI.objects.filter(pk=jeton.pk).values().get()
    assert all(secret not in str(valeur) for valeur in stocke.values())
    evenement = AuditEvent.objects.get(action="api.jeton_creer")
    assert evenement.actor == monde.porteur_ara and evenement.after["prefixe"] == prefixe
    assert secret not in str(evenement.after)


@pytest.mark.parametrize("role, portee", [("editeur_ara", "dossiers:lire"), ("porteur_ara", "enveloppes:lire"),
                                          ("gestionnaire_ara", "enveloppes:lire")])
def test_une_portee_hors_du_role_est_refusee(role, portee, monde):
    utilisateur = getattr(monde, role)
    with pytest.raises(ValidationError) as exc:
        services.creer_jeton(actor=utilisateur, utilisateur=utilisateur, nom="x", portees=[portee])
    assert "n'est pas ouverte à ce compte" in " ".join(exc.value.message_dict["portees"])


@pytest.mark.parametrize("kwargs, champ", [
    ({"nom": " "}, "nom"), ({"nom": "x" * 101}, "nom"), ({"portees": []}, "portees"),
    ({"portees": ["tout:faire"]}, "portees"), ({"expire_le": timezone.now() - timedelta(days=1)}, "expire_le"),
])
def test_creation_invalide(kwargs, champ, monde):
    parametres = {"nom": "Jeton", "portees": ["referentiel:lire"], **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.creer_jeton(actor=monde.ars_ara, utilisateur=monde.ars_ara, **parametres)
    assert champ in exc.value.message_dict
    assert not JetonAPI.objects.exists()


def test_on_ne_cree_pas_de_jeton_pour_autrui_sauf_administrateur(monde):
    with pytest.raises(PermissionDenied):
        services.creer_jeton(actor=monde.porteur_ara, utilisateur=monde.porteur_corse, nom="x",
                             portees=["referentiel:lire"])
    jeton, _ = services.creer_jeton(actor=monde.admin, utilisateur=monde.editeur_ara, nom="Éditeur",
                                    portees=["referentiel:lire"])
    assert jeton.utilisateur == monde.editeur_ara


def test_revocation_auditee_et_non_repetable(monde):
    jeton, chaine = services.creer_jeton(actor=SYSTEME, utilisateur=monde.ars_ara, nom="x", portees=["referentiel:lire"])
    with pytest.raises(PermissionDenied):
        services.revoquer_jeton(actor=monde.ars_corse, jeton=jeton)
    services.revoquer_jeton(actor=monde.ars_ara, jeton=jeton)
    assert Appelant(chaine).get("/moi").json()["code"] == "jeton_revoque"
    assert AuditEvent.objects.filter(action="api.jeton_revoquer", object_id=str(jeton.pk)).count() == 1
    with pytest.raises(ValidationError, match="déjà révoqué"):
        services.revoquer_jeton(actor=monde.ars_ara, jeton=jeton)


def test_commande_creer_et_revoquer(monde):
    sortie = StringIO()
    call_command("jeton", "creer", "editeur-ara", "--portee", "referentiel:lire", "--portee", "usages:ecrire",
                 "--nom", "Logiciel X", "--expire-dans", "30", stdout=sortie, stderr=StringIO())
    chaine = sortie.getvalue().strip()
    assert Appelant(chaine).get("/moi").json()["identifiant"] == "editeur-ara"
    jeton = JetonAPI.objects.get()
    assert jeton.nom == "Logiciel X" and jeton.expire_le > timezone.now() + timedelta(days=29)
    assert AuditEvent.objects.get(action="api.jeton_creer").actor is None
    call_command("jeton", "revoquer", jeton.prefixe, stdout=StringIO())
    assert Appelant(chaine).get("/moi").status_code == 401


@pytest.mark.parametrize("arguments, message", [
    (["creer", "personne", "--portee", "referentiel:lire"], "Aucun compte"),
    (["creer", "editeur-ara", "--portee", "dossiers:lire"], "n'est pas ouverte"),
    (["revoquer", "0000000000"], "Aucun jeton"),
])
def test_commande_refuse_en_francais(arguments, message, monde):
    with pytest.raises(CommandError, match=message):
        call_command("jeton", *arguments, stdout=StringIO(), stderr=StringIO())


# --- The page ------------------------------------------------------------------------------------------


def test_page_reservee_aux_utilisateurs_connectes(client, monde):
    reponse = client.get("/api/jetons/")
    assert reponse.status_code == 302 and "/comptes/connexion/" in reponse["Location"]


def test_page_creer_afficher_une_fois_et_revoquer(client, monde):
    client.force_login(monde.porteur_ara)
    page = client.get("/api/jetons/")
    contenu = page.content.decode()
    assert page.status_code == 200 and "Créer un jeton" in contenu
    assert 'value="referentiel:lire"' in contenu and 'value="enveloppes:lire"' not in contenu
    reponse = client.post("/api/jetons/", {"nom": "Tableur", "portees": ["referentiel:lire"], "duree": "30"})
    assert reponse.status_code == 302
    reponse = client.get(reponse["Location"])
    chaine = reponse.context["chaine"]
    assert chaine.startswith("esms_") and chaine in reponse.content.decode()
    assert chaine not in client.get("/api/jetons/").content.decode()
    assert Appelant(chaine).get("/referentiel/regions").status_code == 200
    jeton = JetonAPI.objects.get()
    assert client.post(f"/api/jetons/{jeton.pk}/revoquer/").status_code == 302
    jeton.refresh_from_db()
    assert jeton.revoque_le is not None
    assert "Révoqué le" in client.get("/api/jetons/").content.decode()


def test_page_refuse_une_saisie_invalide(client, monde):
    client.force_login(monde.gestionnaire_ara)
    reponse = client.post("/api/jetons/", {"nom": "", "portees": ["enveloppes:lire"]})
    assert reponse.status_code == 400
    assert not JetonAPI.objects.exists()


def test_page_ne_montre_ni_ne_revoque_les_jetons_d_autrui(client, monde):
    autre, _ = services.creer_jeton(actor=SYSTEME, utilisateur=monde.ars_corse, nom="Jeton corse",
                                    portees=["referentiel:lire"])
    client.force_login(monde.ars_ara)
    assert "Jeton corse" not in client.get("/api/jetons/").content.decode()
    assert client.post(f"/api/jetons/{autre.pk}/revoquer/").status_code == 404
    autre.refresh_from_db()
    assert autre.revoque_le is None


def test_entree_de_navigation(client, monde):
    client.force_login(monde.gestionnaire_ara)
    assert 'href="/api/jetons/"' in client.get("/").content.decode()
    assert monde.gestionnaire_ara.role == Role.GESTIONNAIRE_ESSMS
