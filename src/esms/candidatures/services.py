"""Writes on grappes and dossiers: keyword-only, scope-checked, audited, in one transaction each.

Every state change goes through `transitionner`, which applies the workflow table (`workflow.verifier`, then
the transition's effects registered below), logs the transition, writes the audit event and notifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esms import televersements
from esms.candidatures import accuse, adhesions, affectation, lisibles, rappels, regles, workflow
from esms.candidatures.documents import recevoir_document
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.etats import ETATS_ENGAGEANTS, ETATS_MODIFIABLES, Etat
from esms.candidatures.models import (
    Annotation,
    Avis,
    Campagne,
    Document,
    Dossier,
    Grappe,
    Membre,
    Message,
    Transition,
    VersionParametres,
)
from esms.comptes import audit
from esms.comptes import selectors as comptes
from esms.comptes.models import User
from esms.comptes.notifications import notifier
from esms.comptes.permissions import (
    Acteur,
    compte_de,
    filter_scope,
    has_perm,
    in_scope,
    require,
    utilisateur_de,
)
from esms.financement import conventions
from esms.financement import services as financement
from esms.referentiel.models import Etablissement, OrganismeGestionnaire, Region
from esms.refus import Refus, hors_perimetre
from esms.rules.decisions.delais import verifier_engagement
from esms.rules.erreurs import RulesInputError
from esms.televersements import Source

if TYPE_CHECKING:
    from esms.referencement.models import Solution

# A grappe's DUI as a form or the API gives it: a register entry, its id, or nothing.
SolutionChoisie: TypeAlias = "Solution | int | str | None"


def _lock(dossier: Dossier) -> Dossier:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("grappe__campagne", "region_pilote").get(pk=dossier.pk))


def _lien(dossier: Dossier) -> str:
    return reverse("candidatures:dossier", args=[dossier.pk])


def instructeurs(dossier: Dossier) -> list[User]:
    return comptes.agents_ars(regions=dossier.regions.values_list("code", flat=True))


def porteurs(dossier: Dossier) -> list[User]:
    return comptes.representants(organisme=dossier.grappe.porteur_id)


# The e-mail category of each transition's notification (recipients choose how they receive them).
CATEGORIES_NOTIFICATION = {
    "deposer": "dossier_depose", "repondre_complement": "dossier_depose", "demander_complement": "complement",
    "retenir": "decision", "ne_pas_retenir": "decision", "classer_sans_suite": "decision",
    "signer_convention": "convention", "solder": "versement", "retirer": "dossier_depose",
}


@dataclass
class Contexte:
    """What the effects of a transition see: who acts, the locked dossier, the comment and the service's data;
    `champs` collects the dossier fields to save with the new state, `resultat` what the service returns."""

    actor: Any
    dossier: Dossier
    transition: workflow.TransitionDef
    commentaire: str = ""
    donnees: dict[str, Any] = field(default_factory=dict)
    champs: dict[str, Any] = field(default_factory=dict)
    resultat: Any = None


def transitionner(*, actor: Acteur, dossier: Dossier, nom: str, commentaire: str = "",
                  donnees: dict[str, Any] | None = None) -> Contexte:
    """Apply the transition `nom` as the workflow table says: guard, effects before, state change (history,
    audit), effects after, notifications. Runs inside the caller's transaction, the dossier being locked."""
    transition = workflow.verifier(actor, dossier, nom, commentaire)
    contexte = Contexte(actor=actor, dossier=dossier, transition=transition, commentaire=commentaire,
                        donnees=donnees or {})
    effets = [workflow.EFFETS[e] for e in transition.effets]
    for effet in effets:
        if effet.moment == "avant":
            effet.fonction(contexte)
    avant = dossier.etat
    dossier.etat = transition.vers
    for champ, valeur in contexte.champs.items():
        setattr(dossier, champ, valeur)
    dossier.save()
    Transition.objects.create(dossier=dossier, nom=nom, etat_avant=avant, etat_apres=transition.vers,
                              acteur=utilisateur_de(actor), commentaire=commentaire)
    audit.record(actor=actor, action=f"dossiers.{nom}", obj=dossier, before={"etat": avant},
                 after={"etat": transition.vers, **{k: str(v) for k, v in contexte.champs.items()}},
                 comment=commentaire)
    for effet in effets:
        if effet.moment == "apres":
            effet.fonction(contexte)
    destinataires: list[User] = []
    if "porteur" in transition.notifier:
        destinataires += porteurs(dossier)
    if "instructeurs" in transition.notifier:
        destinataires += affectation.agents_a_informer(dossier)
    destinataires += affectation.suiveurs(dossier)  # followers hear of every state change
    notifier([u for u in destinataires if u != actor],
             sujet=f"Dossier {dossier} : {Etat(transition.vers).label.lower()}",
             texte=commentaire, lien=_lien(dossier), categorie=CATEGORIES_NOTIFICATION.get(nom, "autre"))
    return contexte


def _modifiable(actor: Acteur, dossier: Dossier) -> None:
    require(actor, "candidatures.deposer", dossier)
    if dossier.etat not in ETATS_MODIFIABLES:
        raise CandidatureRefusee(
            f"Le dossier {dossier} est « {Etat(dossier.etat).label.lower()} » : il ne peut plus être modifié, "
            "sauf à la demande de l'ARS (demande de complément)."
        )


# --- Grappe and members -------------------------------------------------------------------------

@transaction.atomic
def creer_grappe(*, actor: Acteur, campagne_code: str, porteur: str, nom: str, solution: SolutionChoisie = None, solution_dui: str = "",
                 description: str = "") -> Dossier:
    """`solution`: the DUI solution picked from the register (`solution_dui` is then its name)."""
    require(actor, "candidatures.creer")
    og = OrganismeGestionnaire.objects.filter(pk=porteur).first()
    if og is None or not in_scope(actor, og):
        raise hors_perimetre(f"Vous ne représentez pas l'organisme gestionnaire {porteur}.")
    campagne = Campagne.objects.filter(code=campagne_code).first()
    if campagne is None:
        raise CandidatureRefusee(f"La campagne {campagne_code} n'existe pas.")
    if not nom.strip():
        raise CandidatureRefusee("Le nom de la grappe est obligatoire.")
    solution = _solution_du_registre(solution)
    grappe = Grappe.objects.create(nom=nom.strip(), campagne=campagne, porteur=og,
                                   solution_dui=solution.nom if solution else solution_dui.strip(), solution=solution,
                                   description=description, creee_par=utilisateur_de(actor))
    dossier = Dossier.objects.create(grappe=grappe)
    audit.record(actor=actor, action="grappes.creer", obj=grappe,
                 after={"campagne": campagne.code, "porteur": og.pk, "solution_dui": grappe.solution_dui,
                        "solution": grappe.solution_id})
    return dossier


@transaction.atomic
def modifier_grappe(*, actor: Acteur, dossier: Dossier, nom: str, solution: SolutionChoisie = None, solution_dui: str = "",
                    description: str = "", region_pilote_choisie: str = "") -> Grappe:
    dossier = _lock(dossier)
    _modifiable(actor, dossier)
    grappe = dossier.grappe
    avant = {"nom": grappe.nom, "solution_dui": grappe.solution_dui, "solution": grappe.solution_id}
    if not nom.strip():
        raise CandidatureRefusee("Le nom de la grappe est obligatoire.")
    solution = _solution_du_registre(solution)
    grappe.nom, grappe.solution = nom.strip(), solution
    grappe.solution_dui = solution.nom if solution else solution_dui.strip()
    grappe.description = description
    grappe.region_pilote_choisie_id = region_pilote_choisie or None
    grappe.save()
    audit.record(actor=actor, action="grappes.modifier", obj=grappe, before=avant,
                 after={"nom": grappe.nom, "solution_dui": grappe.solution_dui, "solution": grappe.solution_id,
                        "region_pilote_choisie": grappe.region_pilote_choisie_id})
    return grappe


def _solution_du_registre(solution: SolutionChoisie) -> Solution | None:
    """The register entry (an object or its id), or None; an unknown id is a refusal."""
    from esms.referencement.models import Solution

    if isinstance(solution, Solution):
        return solution
    if solution is None or solution == "":
        return None
    trouvee = Solution.objects.select_related("editeur").filter(pk=solution).first()
    if trouvee is None:
        raise CandidatureRefusee(f"La solution n° {solution} n'existe pas dans le registre des solutions référencées.")
    return trouvee


@transaction.atomic
def ajouter_membres(*, actor: Acteur, dossier: Dossier, finess_et: Iterable[str], cas: str = Membre.Cas.USAGE) -> list[Membre]:
    dossier = _lock(dossier)
    _modifiable(actor, dossier)
    numeros = list(dict.fromkeys(n.strip() for n in finess_et if n.strip()))
    if cas not in Membre.Cas.values:
        raise CandidatureRefusee(f"Cas inconnu : {cas}.")
    trouves = {e.pk: e for e in Etablissement.objects.filter(pk__in=numeros)}
    deja = set(Membre.objects.filter(grappe=dossier.grappe, etablissement_id__in=numeros)
               .values_list("etablissement_id", flat=True))
    erreurs = []
    for numero in numeros:
        et = trouves.get(numero)
        if et is None:
            erreurs.append(f"{numero} : aucun établissement avec ce numéro FINESS.")
        elif not et.ouvert:
            erreurs.append(f"{numero} : l'établissement « {et.raison_sociale} » est fermé dans le FINESS.")
        elif numero in deja:
            erreurs.append(f"{numero} : « {et.raison_sociale} » est déjà membre de la grappe.")
    if erreurs:
        raise CandidatureRefusee(erreurs)
    # Another organisme's establishment is only proposed: it counts once its side accepts (adhesions.py).
    porteur = dossier.grappe.porteur_id
    membres = Membre.objects.bulk_create([
        Membre(grappe=dossier.grappe, etablissement_id=n, cas=cas, propose_par=utilisateur_de(actor),
               adhesion=Membre.Adhesion.ACCEPTEE if trouves[n].organisme_id == porteur else Membre.Adhesion.PROPOSEE)
        for n in numeros
    ])
    proposes = [m for m in membres if m.adhesion == Membre.Adhesion.PROPOSEE]
    for m in proposes:
        m.etablissement = trouves[m.etablissement_id]
    audit.record(actor=actor, action="grappes.ajouter_membres", obj=dossier.grappe,
                 after={"membres": numeros, "proposes": [m.etablissement_id for m in proposes]})
    adhesions.notifier_propositions(actor=actor, dossier=dossier, membres=proposes)
    return membres


@transaction.atomic
def retirer_membre(*, actor: Acteur, dossier: Dossier, finess_et: str) -> None:
    dossier = _lock(dossier)
    _modifiable(actor, dossier)
    supprimes, _ = Membre.objects.filter(grappe=dossier.grappe, etablissement_id=finess_et).delete()
    if not supprimes:
        raise CandidatureRefusee(f"{finess_et} n'est pas membre de la grappe.")
    audit.record(actor=actor, action="grappes.retirer_membre", obj=dossier.grappe, before={"membre": finess_et})


@transaction.atomic
def modifier_membre(*, actor: Acteur, dossier: Dossier, finess_et: str, cas: str, autres_fonds_ue: bool = False,
                    deja_finance_pour: str = "", part_heures_eligibles: Decimal | float | str = 1,
                    montant_equipement_demande: int | None = None) -> Membre:
    """A member's declarations. Its SONS eligibility is not one of them: the rules derive it (`regles.entree`)."""
    dossier = _lock(dossier)
    _modifiable(actor, dossier)
    membre = Membre.objects.filter(grappe=dossier.grappe, etablissement_id=finess_et).first()
    if membre is None:
        raise CandidatureRefusee(f"{finess_et} n'est pas membre de la grappe.")
    try:
        part = Decimal(str(part_heures_eligibles).replace(",", "."))
    except ArithmeticError:
        raise CandidatureRefusee(f"{finess_et}, part des heures éligibles : nombre attendu.") from None
    if not Decimal(0) <= part <= Decimal(1):
        raise CandidatureRefusee(f"{finess_et}, part des heures éligibles : valeur entre 0 et 1 attendue.")
    if cas not in Membre.Cas.values:
        raise CandidatureRefusee(f"{finess_et}, cas : valeur inconnue « {cas} ».")
    avant = {"cas": membre.cas, "part_heures_eligibles": str(membre.part_heures_eligibles)}
    membre.cas, membre.autres_fonds_ue, membre.deja_finance_pour = cas, autres_fonds_ue, deja_finance_pour.strip()
    if montant_equipement_demande is not None and montant_equipement_demande < 0:
        raise CandidatureRefusee(f"{finess_et}, équipement demandé : montant positif attendu.")
    membre.part_heures_eligibles = part
    membre.montant_equipement_demande = montant_equipement_demande
    membre.save()
    audit.record(actor=actor, action="grappes.modifier_membre", obj=dossier.grappe, before=avant,
                 after={"membre": finess_et, "cas": cas, "part_heures_eligibles": str(part),
                        "montant_equipement_demande": montant_equipement_demande})
    return membre


def _peut_deposer(actor: Acteur, dossier: Dossier, type: str) -> None:
    if type not in Document.Type.values:
        raise CandidatureRefusee(f"Type de pièce inconnu : {type}.")
    if type == Document.Type.CONVENTION_SIGNEE:
        require(actor, "candidatures.conventionner", dossier)
    elif type == Document.Type.COMPLEMENT or dossier.etat not in ETATS_MODIFIABLES:
        require(actor, "candidatures.messagerie", dossier)
    else:
        _modifiable(actor, dossier)


def deposer_document(*, actor: Acteur, dossier: Dossier, type: str, fichier: Source) -> Document:
    """Store a document: the upload is streamed to a temporary file, size-checked and hashed before the short
    write transaction (`esms.televersements`, kind « pieces_jointes » for a complement, else « documents »)."""
    _peut_deposer(actor, dossier, type)
    genre = "pieces_jointes" if type == Document.Type.COMPLEMENT else "documents"
    with recevoir_document(fichier, genre=genre) as recu:
        return _enregistrer_document(actor=actor, dossier=dossier, type=type, recu=recu)


@transaction.atomic
def _enregistrer_document(*, actor: Acteur, dossier: Dossier, type: str, recu: televersements.Fichier) -> Document:
    _peut_deposer(actor, dossier, type)
    with open(recu.chemin, "rb") as flux:
        document = Document.objects.create(dossier=dossier, type=type, fichier=File(flux, name=recu.nom),
                                           nom_original=recu.nom, sha256=recu.sha256, taille=recu.taille,
                                           depose_par=compte_de(actor))
    audit.record(actor=actor, action="dossiers.deposer_document", obj=dossier,
                 after={"type": type, "nom": document.nom_original, "sha256": recu.sha256})
    return document


def _document_modifiable(actor: Acteur, dossier: Dossier, document: Document) -> None:
    """Before filing, any document; under a complement request, only those added since the filing (what was
    filed is part of the receipt's digest and stays)."""
    _modifiable(actor, dossier)
    if document.dossier_id != dossier.pk:
        raise CandidatureRefusee("Cette pièce n'appartient pas au dossier.")
    if document.type in (Document.Type.COMPLEMENT, Document.Type.CONVENTION_SIGNEE) or \
            Message.objects.filter(piece_jointe=document).exists():
        raise CandidatureRefusee(f"La pièce « {document.nom_original} » est jointe à un message ou à la convention : "
                                 "elle ne peut pas être retirée.")
    if dossier.depose_le is not None and document.depose_le <= dossier.depose_le:
        raise CandidatureRefusee(f"La pièce « {document.nom_original} » a été déposée avec le dossier le "
                                 f"{timezone.localtime(dossier.depose_le):%d/%m/%Y} : elle figure sur l'accusé de "
                                 "dépôt et ne peut plus être retirée ; ajoutez plutôt une nouvelle pièce.")


def _effacer_fichier(document: Document) -> None:
    fichier, nom = document.fichier, document.fichier.name
    if nom:
        transaction.on_commit(lambda: fichier.storage.delete(nom))


@transaction.atomic
def supprimer_document(*, actor: Acteur, dossier: Dossier, document: Document) -> None:
    """Remove a document of a dossier still editable (the stored file is deleted once committed)."""
    dossier = _lock(dossier)
    _document_modifiable(actor, dossier, document)
    audit.record(actor=actor, action="dossiers.supprimer_document", obj=dossier,
                 before={"type": document.type, "nom": document.nom_original, "sha256": document.sha256})
    _effacer_fichier(document)
    document.delete()


def remplacer_document(*, actor: Acteur, dossier: Dossier, document: Document, fichier: Source) -> Document:
    """Replace a document by a new file of the same type: the upload is received (bounded, hashed) before the
    write transaction, in which the old one is removed and the new one stored."""
    _document_modifiable(actor, dossier, document)
    with recevoir_document(fichier, genre="documents") as recu, transaction.atomic():
        _lock(dossier)
        _document_modifiable(actor, dossier, document)
        nouveau = _enregistrer_document(actor=actor, dossier=dossier, type=document.type, recu=recu)
        audit.record(actor=actor, action="dossiers.remplacer_document", obj=dossier,
                     before={"nom": document.nom_original, "sha256": document.sha256},
                     after={"nom": nouveau.nom_original, "sha256": nouveau.sha256})
        _effacer_fichier(document)
        document.delete()
    return nouveau


# --- Filing -------------------------------------------------------------------------------------

def pieces_manquantes(dossier: Dossier) -> list[str]:
    """The documents the campaign requires (rules: `programme.documents_requis`) that are not filed yet."""
    types = set(dossier.documents.values_list("type", flat=True))
    version = dossier.version or regles.version_en_vigueur(dossier.grappe.campagne)
    membres = dossier.grappe.membres
    conditions = {"toujours": True,
                  "acquisition": membres.filter(cas=Membre.Cas.ACQUISITION).exists(),
                  "domicile": membres.filter(part_heures_eligibles__lt=1).exists()}
    requises = [d for d in regles.campagne_de(version).programme.documents_requis.valeur if conditions[d.condition]]
    return [Document.Type(d.code).label if d.code in Document.Type.values else d.libelle
            for d in requises if d.code not in types]




def membres_deja_engages(dossier: Dossier) -> list[str]:
    """Members already in another filed dossier of the same campagne, or in a dossier retained in any
    campagne (an ESSMS is funded once): one French message per establishment."""
    acceptes = Membre.objects.filter(adhesion=Membre.Adhesion.ACCEPTEE)
    nos_etablissements = acceptes.filter(grappe=dossier.grappe).values("etablissement_id")
    autres = (acceptes.filter(etablissement_id__in=nos_etablissements)
              .exclude(grappe=dossier.grappe)
              .filter(grappe__dossier__etat__in=ETATS_ENGAGEANTS)
              .select_related("grappe__dossier", "grappe__campagne", "etablissement"))
    messages = []
    for m in autres:
        autre = m.grappe.dossier
        meme_campagne = m.grappe.campagne_id == dossier.grappe.campagne_id
        if meme_campagne or autre.montant_retenu is not None:
            messages.append(f"{m.etablissement_id} « {m.etablissement.raison_sociale} » : déjà dans le dossier "
                            f"{autre} ({Etat(autre.etat).label.lower()}).")
    return sorted(set(messages))


def _numero(dossier: Dossier) -> str:
    """Campagne, lead region (NAT for the national call) and the dossier's own id: unique without a counter."""
    return f"{dossier.grappe.campagne.code}-{dossier.region_pilote_id or 'NAT'}-{dossier.pk:05d}"


def _recevabilite(dossier: Dossier, *, maintenant: datetime | None, version: VersionParametres | None,
                  refus: str) -> dict[str, Any]:
    """Evaluate the grappe as filed at `maintenant` under `version`; refuse (nothing written) when late,
    not admissible, missing a document or sharing establishments with another dossier. Sets the routing
    (appel, region pilote, regions) and returns the fields to freeze on the dossier."""
    en_attente = list(dossier.grappe.membres.filter(adhesion=Membre.Adhesion.PROPOSEE)
                      .values_list("etablissement_id", flat=True))
    if en_attente:
        raise CandidatureRefusee([
            f"{refus} : des établissements d'autres organismes n'ont pas encore accepté de rejoindre la grappe "
            "(attendez leur accord ou retirez-les).", *en_attente])
    try:
        verdict = regles.evaluer(dossier.grappe, submitted_at=maintenant, version=version)
    except RulesInputError as exc:  # already French sentences naming the field (regles.evaluer)
        raise CandidatureRefusee([f"{refus} : le dossier est incomplet.", *exc.erreurs]) from exc
    if not verdict["dans_les_delais"]:
        limite = verdict["date_limite"]
        limite = date.fromisoformat(limite).strftime("%d/%m/%Y") if limite else "passée"
        appel = Dossier.Appel(verdict["appel"]).label.lower() if verdict["appel"] in Dossier.Appel.values \
            else verdict["appel"]
        raise CandidatureRefusee(
            f"{refus} : la date limite de l'appel {appel} était le {limite} (23 h 59, heure de Paris). "
            f"{lisibles.CONSEILS['delais.depot']}"
        )
    if not verdict["eligible"]:
        erreurs = [lisibles.avec_conseil(m) for m in verdict["motifs"] if not m["ok"] and m.get("bloquant", True)]
        raise CandidatureRefusee([f"{refus} : le dossier n'est pas recevable.", *erreurs])
    manquantes = pieces_manquantes(dossier)
    if manquantes:
        raise CandidatureRefusee([f"{refus} : pièces manquantes.", *manquantes])
    doublons = membres_deja_engages(dossier)
    if doublons:
        raise CandidatureRefusee([f"{refus} : des établissements figurent déjà dans un autre dossier.", *doublons])
    dossier.appel = verdict["appel"]
    dossier.fenetre = (verdict.get("fenetre") or {}).get("code", "")
    dossier.region_pilote = Region.objects.get(pk=verdict["region_pilote"]) if verdict["region_pilote"] else None
    regions = sorted(set(dossier.grappe.membres.values_list("etablissement__region_id", flat=True)))
    dossier.regions.set(regions)  # type: ignore[arg-type]  # django-stubs takes int pks; Region's pk is its code
    return {"version": version, "verdict": verdict, "montant_demande": int(verdict["financement"]["total"])}


@transaction.atomic
def deposer(*, actor: Acteur, dossier: Dossier, maintenant: datetime | None = None) -> Dossier:
    """File the dossier: refused after the call's deadline, when the rules say it is not admissible,
    or when a required document is missing. Freezes the verdict and the parameter version."""
    dossier = _lock(dossier)
    transitionner(actor=actor, dossier=dossier, nom="deposer", donnees={"maintenant": maintenant or timezone.now()})
    return dossier


# --- Instruction --------------------------------------------------------------------------------

@transaction.atomic
def appliquer(*, actor: Acteur, dossier: Dossier, transition: str, commentaire: str = "") -> Dossier:
    """Apply a transition that needs no more than a comment (its effects come from the workflow table): a
    decision without funding, or the porteur's answer to a complement request."""
    definition = workflow.TRANSITIONS.get(transition)
    if definition is not None and definition.service == "demander_complement":  # with the default deadline
        return demander_complement(actor=actor, dossier=dossier, commentaire=commentaire, delai=None)
    if definition is None or definition.service != "appliquer":
        raise CandidatureRefusee(f"La transition « {transition} » ne s'applique pas ainsi.")
    dossier = _lock(dossier)
    transitionner(actor=actor, dossier=dossier, nom=transition, commentaire=commentaire)
    return dossier


@transaction.atomic
def demander_complement(*, actor: Acteur, dossier: Dossier, commentaire: str, delai: date | None) -> Dossier:
    """Ask the porteur for a complement due by `delai` (default: `rappels.DELAI_PAR_DEFAUT` from today); a
    reminder is scheduled on the task queue (`rappels.programmer`) some days before it."""
    dossier = _lock(dossier)
    delai = delai or timezone.localdate() + rappels.DELAI_PAR_DEFAUT
    if commentaire.strip():
        commentaire = f"{commentaire.strip()}\n\nRéponse attendue au plus tard le {delai:%d/%m/%Y}."
    transitionner(actor=actor, dossier=dossier, nom="demander_complement", commentaire=commentaire,
                  donnees={"delai": delai})
    return dossier


@transaction.atomic
def retenir(*, actor: Acteur, dossier: Dossier, montant: int, commentaire: str = "", appreciation_reserve: str = "",
            maintenant: datetime | None = None) -> Dossier:
    """Select the dossier for `montant` euros, committed on its envelope (never beyond what is available).
    Refused after the campaign's commitment deadline (rules: `calendrier.engagement_avant`), and, when the
    rules left reservations for the ARS to appreciate (2022 Corse « idéalement huit »), without the ARS's
    appreciation, which is recorded with the decision."""
    dossier = _lock(dossier)
    transitionner(actor=actor, dossier=dossier, nom="retenir", commentaire=commentaire,
                  donnees={"montant": montant, "appreciation_reserve": appreciation_reserve.strip(),
                           "maintenant": maintenant or timezone.now()})
    return dossier


# --- Effects of the workflow's transitions (named in `workflow.TRANSITIONS`) ------------------------

@workflow.effet("figer_le_depot", "avant")
def _figer_le_depot(contexte: Contexte) -> None:
    dossier, maintenant = contexte.dossier, contexte.donnees["maintenant"]
    version = regles.version_en_vigueur(dossier.grappe.campagne, timezone.localdate(maintenant))
    contexte.champs.update(_recevabilite(dossier, maintenant=maintenant, version=version, refus="Dépôt refusé"))
    contexte.champs.update(depose_le=maintenant, numero=_numero(dossier))
    contenu = accuse.contenu_depose(dossier, numero=contexte.champs["numero"], depose_le=maintenant,
                                    verdict=contexte.champs["verdict"])
    contexte.champs.update(contenu_depose=contenu, empreinte_depot=accuse.empreinte(contenu))


@workflow.effet("reevaluer_la_recevabilite", "avant")
def _reevaluer_la_recevabilite(contexte: Contexte) -> None:
    """The grappe is evaluated again, under the version and at the date of filing."""
    dossier = contexte.dossier
    contexte.champs.update(_recevabilite(dossier, maintenant=dossier.depose_le, version=dossier.version,
                                         refus="Renvoi refusé"))


@workflow.effet("fixer_le_delai_du_complement", "avant")
def _fixer_le_delai_du_complement(contexte: Contexte) -> None:
    delai = contexte.donnees.get("delai") or timezone.localdate() + rappels.DELAI_PAR_DEFAUT
    if delai <= timezone.localdate():
        raise CandidatureRefusee(f"Date limite de réponse : le {delai:%d/%m/%Y} n'est pas dans le futur ; "
                                 "indiquez une date postérieure à aujourd'hui.")
    contexte.champs.update(complement_attendu_le=delai, complement_rappele_le=None)


@workflow.effet("programmer_le_rappel", "apres")
def _programmer_le_rappel(contexte: Contexte) -> None:
    rappels.programmer(contexte.dossier)


@workflow.effet("lever_le_delai_du_complement", "avant")
def _lever_le_delai_du_complement(contexte: Contexte) -> None:
    contexte.champs.update(complement_attendu_le=None)


@workflow.effet("designer_instructeur", "avant")
def _designer_instructeur(contexte: Contexte) -> None:
    instructeur = utilisateur_de(contexte.actor)
    if contexte.dossier.instructeur_id is None and instructeur is not None:
        contexte.champs["instructeur"] = instructeur
        affectation.designer(actor=contexte.actor, dossier=contexte.dossier, instructeur=instructeur)


@workflow.effet("motiver_la_decision", "avant")
def _motiver_la_decision(contexte: Contexte) -> None:
    contexte.champs.update(motif_decision=contexte.commentaire, decide_le=timezone.now())


@workflow.effet("controler_le_montant", "avant")
def _controler_le_montant(contexte: Contexte) -> None:
    montant, dossier = contexte.donnees["montant"], contexte.dossier
    maintenant = contexte.donnees.get("maintenant") or timezone.now()
    campagne = regles.campagne_de(regles.version_du_dossier(dossier))
    engagement = verifier_engagement(maintenant, campagne, dossier.region_pilote_id)
    if not engagement.ok:
        raise CandidatureRefusee(f"Décision refusée : {engagement.motifs[0].message}")
    reserves = [r["message"] for r in (dossier.verdict or {}).get("reserves", [])]
    appreciation = contexte.donnees.get("appreciation_reserve", "")
    if reserves and not appreciation:
        raise CandidatureRefusee(["Décision refusée : l'ARS doit consigner son appréciation des réserves.", *reserves])
    if montant <= 0:
        raise CandidatureRefusee("Le montant retenu doit être strictement positif.")
    if montant > dossier.montant_demande:
        raise CandidatureRefusee(
            f"Le montant retenu ({montant} €) dépasse le financement calculé par les règles ({dossier.montant_demande} €)."
        )
    contexte.champs.update(montant_retenu=montant, decide_le=maintenant, appreciation_reserve=appreciation)


@workflow.effet("engager_l_enveloppe", "avant")
def _engager_l_enveloppe(contexte: Contexte) -> None:
    financement.engager(actor=contexte.actor, dossier=contexte.dossier, montant=contexte.donnees["montant"])


@workflow.effet("preparer_la_convention", "apres")
def _preparer_la_convention(contexte: Contexte) -> None:
    contexte.resultat = conventions.preparer(contexte.dossier, campagne=regles.campagne_de(regles.version_du_dossier(contexte.dossier)))


@workflow.effet("programmer_l_avance", "apres")
def _programmer_l_avance(contexte: Contexte) -> None:
    contexte.resultat = conventions.programmer_avance(actor=contexte.actor, dossier=contexte.dossier,
                                                      convention=contexte.donnees["convention"])


@workflow.effet("programmer_le_solde", "apres")
def _programmer_le_solde(contexte: Contexte) -> None:
    contexte.resultat = conventions.programmer_solde(actor=contexte.actor, dossier=contexte.dossier,
                                                     convention=contexte.donnees["convention"],
                                                     montant=contexte.donnees["reste"])


def decider_lot(*, actor: Acteur, dossiers: Iterable[Dossier], decision: str, commentaire: str = "") -> list[tuple[Dossier, str | None]]:
    """Apply one decision to several dossiers; each one succeeds or fails on its own (its own transaction).
    `retenir` retains each dossier for the amount the rules computed. Returns (dossier, error or None)."""
    resultats: list[tuple[Dossier, str | None]] = []
    for dossier in dossiers:
        try:
            if decision == "retenir":
                retenir(actor=actor, dossier=dossier, montant=dossier.montant_demande, commentaire=commentaire)
            else:
                appliquer(actor=actor, dossier=dossier, transition=decision, commentaire=commentaire)
            resultats.append((dossier, None))
        except (Refus, PermissionDenied) as exc:
            resultats.append((dossier, str(exc)))
    return resultats


@transaction.atomic
def annoter(*, actor: Acteur, dossier: Dossier, texte: str) -> Annotation:
    require(actor, "candidatures.instruire", dossier)
    if not texte.strip():
        raise CandidatureRefusee("L'annotation est vide.")
    annotation = Annotation.objects.create(dossier=dossier, auteur=compte_de(actor), texte=texte.strip())
    audit.record(actor=actor, action="dossiers.annoter", obj=dossier, after={"annotation": annotation.pk})
    return annotation


def envoyer_message(*, actor: Acteur, dossier: Dossier, texte: str, fichier: Source | None = None) -> Message:
    """Send a message, with an optional attachment received (bounded, hashed) before the write transaction."""
    require(actor, "candidatures.messagerie", dossier)
    if not texte.strip():
        raise CandidatureRefusee("Le message est vide.")
    if fichier is None:
        return _enregistrer_message(actor=actor, dossier=dossier, texte=texte, recu=None)
    with recevoir_document(fichier, genre="pieces_jointes") as recu:
        return _enregistrer_message(actor=actor, dossier=dossier, texte=texte, recu=recu)


@transaction.atomic
def _enregistrer_message(*, actor: Acteur, dossier: Dossier, texte: str, recu: televersements.Fichier | None) -> Message:
    piece = None
    if recu is not None:
        piece = _enregistrer_document(actor=actor, dossier=dossier, type=Document.Type.COMPLEMENT, recu=recu)
    message = Message.objects.create(dossier=dossier, auteur=compte_de(actor), texte=texte.strip(), piece_jointe=piece)
    audit.record(actor=actor, action="dossiers.message", obj=dossier, after={"message": message.pk})
    if has_perm(actor, "candidatures.instruire"):  # to the porteur, and the dossier's followers hear of it
        destinataires = porteurs(dossier) + [u for u in affectation.suiveurs(dossier) if u != actor]
    else:
        destinataires = affectation.agents_a_informer(dossier)
    notifier(destinataires, sujet=f"Nouveau message sur le dossier {dossier}", texte=texte[:500], lien=_lien(dossier),
             categorie="message")
    return message


@transaction.atomic
def demander_avis(*, actor: Acteur, dossier: Dossier, expert: User, question: str) -> Avis:
    require(actor, "candidatures.instruire", dossier)
    if not question.strip():
        raise CandidatureRefusee("La question posée à l'expert est vide.")
    if expert == actor or not filter_scope(expert, Dossier.objects.filter(pk=dossier.pk)).exists() \
            or not has_perm(expert, "candidatures.instruire"):
        raise CandidatureRefusee(f"{expert} ne peut pas donner d'avis sur ce dossier (hors de son périmètre).")
    avis = Avis.objects.create(dossier=dossier, demandeur=compte_de(actor), expert=expert, question=question.strip())
    audit.record(actor=actor, action="dossiers.demander_avis", obj=dossier, after={"expert": expert.username})
    notifier([expert], sujet=f"Avis demandé sur le dossier {dossier}", texte=question, lien=_lien(dossier))
    return avis


@transaction.atomic
def rendre_avis(*, actor: Acteur, avis: Avis, reponse: str, favorable: bool | None) -> Avis:
    if avis.expert_id != compte_de(actor).pk:
        raise hors_perimetre("Cet avis a été demandé à un autre agent.")
    if avis.rendu_le is not None:
        raise CandidatureRefusee("Cet avis a déjà été rendu.")
    if not reponse.strip():
        raise CandidatureRefusee("L'avis est vide.")
    avis.reponse, avis.favorable, avis.rendu_le = reponse.strip(), favorable, timezone.now()
    avis.save()
    audit.record(actor=actor, action="dossiers.rendre_avis", obj=avis.dossier,
                 after={"avis": avis.pk, "favorable": favorable})
    notifier([avis.demandeur], sujet=f"Avis rendu sur le dossier {avis.dossier}", texte=reponse[:500],
             lien=_lien(avis.dossier))
    return avis
