"""Demo grappes built from real FINESS establishments, taken through the workflow by the platform's own
services (so the audit trail, ledger and notifications are those of real use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from esms.candidatures import conventions, services
from esms.candidatures.etats import Etat
from esms.candidatures.models import Document, Dossier, Membre
from esms.comptes.models import Role, User
from esms.comptes.permissions import SYSTEME
from esms.comptes.services import create_user
from esms.demo import referencement as registre
from esms.demo.comptes import DEMO_PASSWORD, DemoAccount
from esms.demo.pdf import pdf_minimal
from esms.referentiel.models import Etablissement
from esms.rules.sons import load_sons

PARIS = ZoneInfo("Europe/Paris")
DEPOTS = {"2023": datetime(2023, 5, 10, 11, 0, tzinfo=PARIS), "2024": datetime(2024, 5, 14, 15, 30, tzinfo=PARIS)}
PIECES = [Document.Type.LETTRE_ENGAGEMENT, Document.Type.CONVENTION_GRAPPE, Document.Type.NON_CUMUL_UE]
SOLUTIONS = ["Solution DUI Atlas", "Solution DUI Boréal", "Solution DUI Cassiopée"]
AGENTS = {"84": "agent.ara", "11": "agent.idf", "94": "agent.corse", "32": "agent.hdf", "04": "agent.reunion",
          "76": "agent.occitanie"}


@dataclass(frozen=True)
class Scenario:
    region: str
    campagne: str
    etat: str
    taille: int
    autre_region: str | None = None  # multi-regional grappe: part of the members there
    national: bool = False


SCENARIOS = [
    Scenario("84", "2025", "brouillon", 16),
    Scenario("84", "2024", "depose", 18),
    Scenario("84", "2024", "en_instruction", 20),
    Scenario("84", "2024", "complement_demande", 15),
    Scenario("84", "2024", "retenu", 17),
    Scenario("84", "2024", "conventionne", 22),
    Scenario("84", "2024", "en_suivi_usage", 19),
    Scenario("11", "2024", "en_instruction", 21),
    Scenario("11", "2024", "retenu", 16),
    Scenario("11", "2024", "non_retenu", 15),
    Scenario("11", "2023", "clos", 18),
    Scenario("32", "2024", "depose", 17),
    Scenario("32", "2024", "sans_suite", 15),
    Scenario("32", "2024", "retire", 15),
    Scenario("32", "2023", "solde", 20),
    Scenario("94", "2024", "en_instruction", 9),
    Scenario("04", "2024", "retenu", 10),
    Scenario("84", "2024", "en_instruction", 24, autre_region="76"),
    Scenario("84", "2024", "depose", 60, national=True),
]


def _utilisateur(username: str, role: Role, **scope) -> User:
    user = User.objects.filter(username=username).first()
    return user or create_user(actor=SYSTEME, username=username, password=DEMO_PASSWORD, role=role, **scope)


def _premier(organismes: Any) -> str:
    """The organisme of the first row of an ordered `values("organisme_id")` query (the demo référentiel has one)."""
    ligne = organismes.first()
    if ligne is None:
        raise RuntimeError("Référentiel de démonstration incomplet : aucun organisme ne convient à cette grappe.")
    return str(ligne["organisme_id"])


def _choisir(region: str, taille: int, exclus: set[str], autre_region: str | None, national: bool) -> tuple[str, list[str]]:
    """A porteur EJ of `region` and `taille` eligible open establishments: its own first, then others."""
    base = Etablissement.objects.filter(ouvert=True, categorie__eligible=True).exclude(pk__in=exclus)
    if national:
        porteur = _premier(base.values("organisme_id").annotate(n=Count("pk"), r=Count("region_id", distinct=True))
                           .filter(r__gte=2).order_by("-n", "organisme_id"))
        ets = list(base.filter(organisme_id=porteur).order_by("finess_et").values_list("pk", flat=True)[:taille])
        return porteur, ets
    porteur = _premier(base.filter(region_id=region).values("organisme_id").annotate(n=Count("pk"))
                       .order_by("-n", "organisme_id"))
    propres = list(base.filter(organisme_id=porteur, region_id=region).order_by("finess_et")
                   .values_list("pk", flat=True)[:taille])
    if autre_region:
        ailleurs = list(base.filter(region_id=autre_region).order_by("finess_et")
                        .values_list("pk", flat=True)[:taille // 2])
        propres = propres[:taille - len(ailleurs)] + ailleurs
    manque = taille - len(propres)
    departements = list(base.filter(pk__in=propres).values_list("departement_id", flat=True).distinct())
    voisins = base.filter(region_id=region).exclude(pk__in=propres)
    voisins = voisins.filter(departement_id__in=departements) if departements else voisins
    propres += list(voisins.order_by("finess_et").values_list("pk", flat=True)[:manque])
    return porteur, propres


def _documents(porteur: User, dossier: Dossier, acquisition: bool) -> None:
    pieces = PIECES + ([Document.Type.DEVIS] if acquisition else [])
    for piece in pieces:
        libelle = Document.Type(piece).label
        fichier = ContentFile(pdf_minimal(f"{libelle} - grappe {dossier.grappe.nom} (demonstration)"),
                              name=f"{piece}.pdf")
        services.deposer_document(actor=porteur, dossier=dossier, type=piece, fichier=fichier)


def _avancer(dossier: Dossier, etat: str, porteur: User, agent: User) -> None:
    """Take a filed dossier to `etat` through the workflow."""
    if etat == "depose":
        return
    if etat == "retire":
        services.appliquer(actor=porteur, dossier=dossier, transition="retirer",
                           commentaire="Un membre a quitté le projet : la grappe sera reconstituée l'an prochain.")
        return
    if etat == "sans_suite":
        services.appliquer(actor=agent, dossier=dossier, transition="classer_sans_suite",
                           commentaire="Le porteur a retiré sa candidature.")
        return
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    services.annoter(actor=agent, dossier=dossier, texte="Grappe cohérente ; vérifier le devis de l'éditeur.")
    if etat == "en_instruction":
        return
    if etat == "complement_demande":
        services.appliquer(actor=agent, dossier=dossier, transition="demander_complement",
                           commentaire="Merci de préciser le calendrier de déploiement par établissement.")
        return
    if etat == "non_retenu":
        services.appliquer(actor=agent, dossier=dossier, transition="ne_pas_retenir",
                           commentaire="Enveloppe régionale priorisée vers les territoires moins couverts.")
        return
    dossier.refresh_from_db()
    services.retenir(actor=agent, dossier=dossier, montant=dossier.montant_demande,
                     commentaire="Projet retenu au comité de sélection.")
    if etat == "retenu":
        return
    scan = ContentFile(pdf_minimal(f"Convention signee {dossier.numero}"), name="convention-signee.pdf")
    conventions.signer(actor=agent, dossier=dossier, date_signature=timezone.localdate() - timedelta(days=30),
                       scan=scan)
    if etat == "conventionne":
        return
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_suivi_usage")
    if etat == "en_suivi_usage":
        return
    conventions.solder(actor=agent, dossier=dossier, commentaire="Cibles d'usage atteintes (démonstration).")
    if etat == "clos":
        services.appliquer(actor=agent, dossier=dossier, transition="clore", commentaire="Dossier clos.")


def charger() -> list[DemoAccount]:
    if Dossier.objects.exists():
        return []
    admin = User.objects.get(username="admin.cnsa")
    exclus: set[str] = set()
    comptes: list[DemoAccount] = []
    registre.charger_registre(admin)
    grappes = []
    brouillon_demo = None
    porteurs: dict[str, User] = {}
    a_deposer = []
    for rang, s in enumerate(SCENARIOS):
        porteur_ej, membres = _choisir(s.region, s.taille, exclus, s.autre_region, s.national)
        if len(membres) < min(s.taille, 8):
            continue
        exclus.update(membres)
        if porteur_ej not in porteurs:
            demo = User.objects.filter(username="porteur.demo", organismes=porteur_ej).first()
            porteurs[porteur_ej] = demo or _utilisateur(f"porteur.{porteur_ej}", Role.RESPONSABLE_OG, organismes=[porteur_ej])
        porteur = porteurs[porteur_ej]
        agent = admin if s.national else _utilisateur(AGENTS[s.region], Role.AGENT_ARS, region=s.region)
        departement = Etablissement.objects.select_related("departement").filter(pk__in=membres)[0].departement
        portee = "nationale" if s.national else "multirégionale" if s.autre_region else departement.nom
        nom = f"Grappe DUI {portee} n° {rang + 1}"
        dossier = services.creer_grappe(actor=porteur, campagne_code=s.campagne, porteur=porteur_ej, nom=nom,
                                        solution=registre.solution(SOLUTIONS[rang % len(SOLUTIONS)]),
                                        description="Grappe de démonstration construite à partir du FINESS.")
        services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=membres)
        # The other organismes' establishments of a demo grappe have already agreed to join it.
        Membre.objects.filter(grappe=dossier.grappe, adhesion=Membre.Adhesion.PROPOSEE).update(
            adhesion=Membre.Adhesion.ACCEPTEE, accepte_le=timezone.now())
        grappes.append((dossier.grappe, membres))
        if s.etat == "brouillon" and brouillon_demo is None:
            brouillon_demo = membres[-1]
        acquisition = rang % 3 == 0
        if acquisition:
            Membre.objects.filter(grappe=dossier.grappe, etablissement_id__in=membres[:3]).update(cas="acquisition")
        _documents(porteur, dossier, acquisition)
        comptes.append(DemoAccount(porteur.username, Role.RESPONSABLE_OG, f"EJ {porteur_ej} — {nom} ({Etat(s.etat).label.lower()})"))
        if s.etat != "brouillon":
            a_deposer.append((dossier, s, porteur, agent))
    # SONS orders are imported once every grappe exists and before any filing, so that the rules see them.
    _commandes(admin, grappes, exclus, brouillon_demo)
    for dossier, s, porteur, agent in a_deposer:
        dossier = services.deposer(actor=porteur, dossier=dossier, maintenant=DEPOTS[s.campagne])
        _avancer(dossier, s.etat, porteur, agent)
    return comptes


def _commandes(admin: User, grappes, exclus: set[str], conflit: str | None) -> None:
    """The demo SONS orders (see `referencement.charger_commandes`)."""
    editeur = User.objects.filter(username="editeur.demo").first()
    editeur_ets = list(editeur.etablissements.values_list("pk", flat=True)) if editeur else []
    hors = list(Etablissement.objects.filter(ouvert=True, categorie__eligible=True, categorie__secteur__in=[
        "personnes_agees", "handicap_adultes", "handicap_enfants"]).exclude(pk__in=exclus)
        .exclude(pk__in=editeur_ets).order_by("region_id", "finess_et").values_list("pk", flat=True)[:400:10])
    cites = {f for _, membres in grappes for f in membres} | set(editeur_ets)
    secteurs = load_sons().vagues[1].secteurs.valeur
    eligibles = set(Etablissement.objects.filter(pk__in=cites, categorie__secteur__in=secteurs, secteur_qualifie="")
                    .values_list("pk", flat=True))
    registre.charger_commandes(admin, grappes=grappes, hors_grappe=hors, conflit=conflit, editeur_ets=editeur_ets,
                               eligibles_vague_1=eligibles)
