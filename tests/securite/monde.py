"""The world of the route × role test: a victim side in Auvergne-Rhône-Alpes that owns one object of every kind
a URL can name (a draft and a dossier in usage follow-up with documents, avis, convention, payments and usage
reports, an envelope, a FINESS import, a saved search, an API token, a pending claim of its organisme, an
invitation, a failed e-mail), its legitimate users, and intruders who hold the same roles elsewhere (Corse) —
plus the national administrator and an anonymous visitor."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from esms.api import services as api
from esms.candidatures.models import Avis, Grappe, RechercheSauvegardee
from esms.comptes.models import Role
from esms.financement.models import Enveloppe, Versement
from esms.referentiel.models import ImportFiness
from esms.usages.models import Canal, RapportIndicateurs
from tests import factories
from tests.usages.fabrique import DEBUT, FIN, construire_dossier

# Strings that only the victim's objects carry: no intruder's page may contain them.
GRAPPE_VICTIME = "Grappe Victime Tilleuls"
BROUILLON_VICTIME = "Brouillon Victime Tilleuls"
DEMANDEUR_VICTIME = "claire.victime-tilleuls@asso-ain.example"
SEANCE_VICTIME = "Séance Victime Tilleuls"
# Not a marker: the invitation link shows whom it invites to whoever holds it.
INVITE_VICTIME = "invite.victime-tilleuls@asso-ain.example"


def construire() -> SimpleNamespace:
    ref = factories.mini_referentiel()
    porteur_ara = factories.make_user(Role.RESPONSABLE_OG, username="porteur-ara", organismes=[ref.og_ara.pk])
    ars_ara = factories.make_user(Role.AGENT_ARS, username="ars-ara", region="84")
    suivi = construire_dossier(ref, porteur_ara, ars_ara, taille=15)
    dossier = suivi.dossier
    Grappe.objects.filter(pk=dossier.grappe_id).update(nom=GRAPPE_VICTIME)
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-national")
    brouillon = factories.dossier_brouillon(porteur_ara, ref.og_ara, [ref.et_ara[0]], nom=BROUILLON_VICTIME)
    et_membre = suivi.ets[0]
    monde = SimpleNamespace(
        ref=ref, dossier=dossier, brouillon=brouillon, et_membre=et_membre, admin=admin,
        porteur_ara=porteur_ara, ars_ara=ars_ara,
        gestionnaire_ara=factories.make_user(Role.GESTIONNAIRE_ESSMS, username="gest-ara", etablissements=[et_membre]),
        editeur_ara=factories.make_user(Role.EDITEUR, username="editeur-ara", etablissements=[et_membre]),
        # Intruders: the same roles, elsewhere.
        porteur_autre=factories.make_user(Role.RESPONSABLE_OG, username="porteur-corse", organismes=[ref.og_corse.pk]),
        gestionnaire_autre=factories.make_user(Role.GESTIONNAIRE_ESSMS, username="gest-corse",
                                               etablissements=[ref.et_corse[0].pk]),
        editeur_autre=factories.make_user(Role.EDITEUR, username="editeur-corse", etablissements=[ref.et_corse[0].pk]),
        agent_autre=factories.make_user(Role.AGENT_ARS, username="ars-corse", region="94"),
    )
    monde.document = dossier.documents.first()
    monde.avis = Avis.objects.create(dossier=dossier, demandeur=ars_ara, expert=ars_ara, question="Avis ?")
    monde.enveloppe = Enveloppe.objects.get(region=ref.ara)
    monde.versement = Versement.objects.filter(dossier=dossier).first() or Versement.objects.create(
        dossier=dossier, type=Versement.Type.SOLDE, montant=1000, libelle="Solde", acteur=ars_ara)
    monde.recherche = RechercheSauvegardee.objects.create(utilisateur=ars_ara, nom="Mes dossiers", parametres="q=x")
    monde.import_finess = ImportFiness.objects.create(fichier="finess.csv", statut=ImportFiness.Statut.REUSSI,
                                                      acteur=admin, termine_le=timezone.now())
    monde.jeton, _ = api.creer_jeton(actor=porteur_ara, utilisateur=porteur_ara, nom="Victime",
                                     portees=["dossiers:lire"], expire_le=timezone.now() + timedelta(days=30))
    from datetime import date

    from esms.referencement.models import Editeur, Solution

    # The draft's factory may already have registered this vendor (its grappe picks a register solution).
    editeur, _ = Editeur.objects.get_or_create(siren="732829320", defaults={"nom": "Éditeur Alpha"})
    editeur.comptes.add(monde.editeur_ara)  # the victim's vendor account: its SONS orders are its own
    monde.solution = Solution.objects.create(editeur=editeur, nom="DUI Alpha", version="3", vague=1,
                                             date_referencement=date(2023, 1, 15))
    for et in suivi.ets:
        RapportIndicateurs.objects.create(dossier=dossier, etablissement_id=et, periode_debut=DEBUT, periode_fin=FIN,
                                          dui_actifs=41 if et == et_membre else 73, valeurs={}, canal=Canal.FORMULAIRE,
                                          auteur=porteur_ara)
    _bourse(monde)
    _comptes(monde)
    from esms.referencement.models import AppartenanceGht

    ref.og_ara.departement = ref.ain  # located: its region's agents declare its GHT membership
    ref.og_ara.save(update_fields=["departement"])
    monde.ght = AppartenanceGht.objects.create(organisme=ref.og_ara, nom_ght="GHT de l'Ain", justificatif="Convention",
                                               source=AppartenanceGht.Source.DECLARATION)
    _seance(monde)
    from esms.candidatures import etiquettes

    etiquettes.creer_par_defaut(monde.dossier.grappe.campagne)
    monde.etiquette = etiquettes.de_la_campagne(monde.dossier.grappe.campagne).first()
    monde.marqueurs = [dossier.numero, GRAPPE_VICTIME, BROUILLON_VICTIME, DEMANDEUR_VICTIME, SEANCE_VICTIME]
    return monde


def _seance(monde: SimpleNamespace) -> None:
    """An open séance de sélection of the victim's region with the victim's dossier on its agenda."""
    from esms.seances.models import DecisionSeance, Seance

    monde.seance = Seance.objects.create(campagne=monde.dossier.grappe.campagne, region=monde.ref.ara,
                                         date=timezone.localdate(), titre=SEANCE_VICTIME, creee_par=monde.ars_ara)
    DecisionSeance.objects.create(seance=monde.seance, dossier=monde.dossier, decision="retenir", ordre=1)


def _bourse(monde: SimpleNamespace) -> None:
    """The victim's side of the bourse: a need of its establishment, a draft grappe open to newcomers (its name
    is public on the market, so it is not a marker), a proposal between them, a new grappe proposed to its
    porteur, and a membership of its establishment proposed in the victim's draft, waiting for consent."""
    from esms.bourse.models import Besoin, Ouverture, ProjetGrappe, Proposition
    from esms.candidatures.models import Membre
    from esms.referentiel.models import Etablissement

    ref = monde.ref
    Etablissement.objects.filter(pk__in=[monde.et_membre, ref.et_ara[1].pk]).update(latitude=46.2, longitude=5.22)
    factories.campagne("2025")
    monde.besoin = Besoin.objects.create(etablissement_id=monde.et_membre, campagne=factories.campagne(),
                                         contact="Contact victime", declare_par=monde.gestionnaire_ara)
    ouverte = factories.dossier_brouillon(monde.porteur_ara, ref.og_ara, [ref.et_ara[1]], nom="Grappe ouverte Tilleuls")
    monde.ouverture = Ouverture.objects.create(grappe=ouverte.grappe, places=3,
                                               cloture=timezone.localdate() + timedelta(days=30))
    monde.proposition = Proposition.objects.create(besoin=monde.besoin, ouverture=monde.ouverture, distance_km=4.0)
    monde.projet = ProjetGrappe.objects.create(campagne=factories.campagne(), porteur=ref.og_ara,
                                               solution_dui="DUI Alpha (Éditeur Alpha)", distance_km=12.0)
    monde.projet.besoins.add(monde.besoin)
    monde.adhesion = Membre.objects.create(grappe=monde.brouillon.grappe, etablissement_id=monde.et_membre,
                                           adhesion=Membre.Adhesion.PROPOSEE, propose_par=monde.porteur_ara)


def _comptes(monde: SimpleNamespace) -> None:
    """The victim's accounts side: a self-registered claimant (no role yet) of its organisme, with a pending claim
    and its supporting document; a colleague invited by the victim; an address still to verify; a reset link; a
    failed e-mail."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core import signing
    from django.core.files.base import ContentFile
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from esms.comptes.models import Courriel, Invitation, Rattachement, User
    from esms.inscriptions.services import SEL_VERIFICATION

    monde.inscrit_autre = User.objects.create_user(username="inscrit-corse@asso.example", email="inscrit-corse@asso.example",
                                                   password="mot-de-passe-test-1")  # intruder: no role, no claim
    monde.demandeur = User.objects.create_user(username=DEMANDEUR_VICTIME, email=DEMANDEUR_VICTIME,
                                               password="mot-de-passe-test-1", first_name="Claire")
    monde.rattachement = Rattachement.objects.create(
        demandeur=monde.demandeur, type=Rattachement.Type.ORGANISME, organisme=monde.ref.og_ara, region=monde.ref.ara,
        fonction="Directrice", justificatif=ContentFile(b"%PDF-1.4\n% delegation\n", name="delegation.pdf"))
    monde.invite = User.objects.create_user(username=INVITE_VICTIME, email=INVITE_VICTIME,
                                            password="mot-de-passe-test-1")
    monde.invitation = Invitation.objects.create(organisme=monde.ref.og_ara, email=INVITE_VICTIME,
                                                 invite_par=monde.porteur_ara, jeton="jeton-invitation-victime",
                                                 expire_le=timezone.now() + timedelta(days=7))
    inscrit = User.objects.create_user(username="inscrit@asso-ain.example", email="inscrit@asso-ain.example",
                                       password="mot-de-passe-test-1", is_active=False, email_verifie=False)
    monde.jeton_verification = signing.dumps({"u": inscrit.pk, "e": inscrit.email}, salt=SEL_VERIFICATION)
    monde.lien_reinitialisation = (f"{urlsafe_base64_encode(force_bytes(monde.demandeur.pk))}/"
                                   f"{default_token_generator.make_token(monde.demandeur)}")
    monde.courriel = Courriel.objects.create(destinataire=monde.porteur_ara, adresse="porteur-ara@asso-ain.example",
                                             sujet="Dossier déposé", texte="x", html="<p>x</p>",
                                             statut=Courriel.Statut.ECHEC, tentatives=5)
