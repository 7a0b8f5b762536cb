"""Writes of the séances de sélection: keyword-only, one permission decision each (`seances.preparer` /
`seances.cloturer`, the séance's region as for deciding on a dossier), audited, one transaction each.

Closing a séance applies every proposal through the dossier workflow (`candidatures.services.transitionner`:
« retenir » commits the computed funding on the envelope, « refuser » is « ne pas retenir » with its reason,
« ajourner » leaves the dossier in instruction) in one transaction: one refusal, and nothing is written.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from esms.candidatures import services as candidatures
from esms.candidatures.etats import ETATS_A_DECIDER, Etat
from esms.candidatures.models import Campagne, Dossier
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de
from esms.referentiel.models import Region
from esms.refus import Refus
from esms.seances import selectors
from esms.seances.erreurs import EnveloppeInsuffisante, SeanceRefusee
from esms.seances.models import DecisionSeance, Seance


def euros(montant: int) -> str:
    return f"{montant:,}".replace(",", "\u202f") + "\u00a0€"


def _verrouiller(seance: Seance) -> Seance:
    return Seance.objects.select_for_update(of=("self",)).select_related("campagne", "region").get(pk=seance.pk)


def _ouverte(seance: Seance) -> None:
    if not seance.ouverte:
        raise SeanceRefusee(f"La séance « {seance} » est clôturée : ses décisions ne peuvent plus changer.")


@transaction.atomic
def creer(*, actor: Acteur, campagne: Campagne, region: Region | None, date: date, titre: str) -> Seance:
    """A séance of `campagne` for `region`'s envelope (None: the national envelope)."""
    titre = (titre or "").strip()
    if not titre:
        raise SeanceRefusee("Titre de la séance : ce champ est obligatoire.", champ="titre")
    seance = Seance.objects.create(campagne=campagne, region=region, date=date, titre=titre,
                                   creee_par=utilisateur_de(actor))
    require(actor, "seances.preparer", seance)  # the séance's region decides: refused, nothing stays written
    audit.record(actor=actor, action="seances.creer", obj=seance,
                 after={"campagne": campagne.code, "region": region.pk if region else "national",
                        "date": date.isoformat(), "titre": titre})
    return seance


@transaction.atomic
def inscrire(*, actor: Acteur, seance: Seance, dossiers: list[Dossier]) -> list[DecisionSeance]:
    """Put `dossiers` on the séance's agenda: each must be ready to be decided, commit the séance's envelope and
    be on no other open séance's agenda."""
    seance = _verrouiller(seance)
    require(actor, "seances.preparer", seance)
    _ouverte(seance)
    if not dossiers:
        raise SeanceRefusee("Cochez au moins un dossier à inscrire à l'ordre du jour.", champ="dossiers")
    admissibles = set(selectors.a_inscrire(actor=actor, seance=seance).values_list("pk", flat=True))
    erreurs = []
    for dossier in dossiers:
        if dossier.pk in admissibles:
            continue
        if dossier.etat not in ETATS_A_DECIDER:
            erreurs.append(f"Dossier {dossier} : il est « {Etat(dossier.etat).label.lower()} », "
                           "il n'est pas prêt à être décidé (attendu : en instruction).")
        elif not selectors.dossiers_de_l_enveloppe(seance).filter(pk=dossier.pk).exists():
            erreurs.append(f"Dossier {dossier} : il n'engage pas l'enveloppe de cette séance "
                           "(autre campagne ou autre région pilote).")
        else:
            erreurs.append(f"Dossier {dossier} : il est déjà à l'ordre du jour d'une séance ouverte.")
    if erreurs:
        raise SeanceRefusee(erreurs, champ="dossiers")
    suivant = (seance.decisions.aggregate(n=Max("ordre"))["n"] or 0) + 1
    inscrites = DecisionSeance.objects.bulk_create([
        DecisionSeance(seance=seance, dossier=dossier, ordre=suivant + i) for i, dossier in enumerate(dossiers)])
    audit.record(actor=actor, action="seances.inscrire", obj=seance, after={"dossiers": [str(d) for d in dossiers]})
    return inscrites


@transaction.atomic
def retirer(*, actor: Acteur, seance: Seance, dossier: Dossier) -> None:
    """Take `dossier` off the agenda of an open séance."""
    seance = _verrouiller(seance)
    require(actor, "seances.preparer", seance)
    _ouverte(seance)
    supprimees, _ = seance.decisions.filter(dossier=dossier).delete()
    if not supprimees:
        raise SeanceRefusee(f"Le dossier {dossier} n'est pas à l'ordre du jour de cette séance.")
    audit.record(actor=actor, action="seances.retirer", obj=seance, before={"dossiers": [str(dossier)]})


@transaction.atomic
def proposer(*, actor: Acteur, seance: Seance, dossier: Dossier, decision: str, motif: str = "") -> DecisionSeance:
    """Record the decision proposed for `dossier` (« retenir », « refuser », « ajourner », or "" to clear it);
    a refusal needs the reason the porteur will read."""
    seance = _verrouiller(seance)
    require(actor, "seances.preparer", seance)
    _ouverte(seance)
    ligne = seance.decisions.filter(dossier=dossier).first()
    if ligne is None:
        raise SeanceRefusee(f"Le dossier {dossier} n'est pas à l'ordre du jour de cette séance.")
    if decision not in {"", *DecisionSeance.Decision.values}:
        raise SeanceRefusee(f"Décision inconnue : « {decision} » (attendu : retenir, refuser ou ajourner).",
                            champ="decision")
    motif = (motif or "").strip()
    if decision == DecisionSeance.Decision.REFUSER and not motif:
        raise SeanceRefusee(f"Dossier {dossier} : le motif du refus est obligatoire (il est communiqué au porteur).",
                            champ="motif")
    avant = {"decision": ligne.decision, "motif": ligne.motif}
    ligne.decision, ligne.motif = decision, motif
    ligne.save(update_fields=["decision", "motif"])
    audit.record(actor=actor, action="seances.proposer", obj=seance, before=avant,
                 after={"dossier": str(dossier), "decision": decision, "motif": motif})
    return ligne


TRANSITIONS: dict[str, str] = {DecisionSeance.Decision.RETENIR: "retenir", DecisionSeance.Decision.REFUSER: "ne_pas_retenir"}


@transaction.atomic
def cloturer(*, actor: Acteur, seance: Seance) -> selectors.Bilan:
    """Apply every proposal through the workflow, in agenda order, all or nothing: refused when a dossier has no
    decision, when the retained amounts exceed the envelope's remaining amount, or when one transition is refused
    (its reason names the dossier)."""
    seance = _verrouiller(seance)
    require(actor, "seances.cloturer", seance)
    _ouverte(seance)
    enveloppe = selectors.enveloppe(seance)
    if enveloppe is not None:  # serialise with every other commitment on this envelope
        type(enveloppe).objects.select_for_update().get(pk=enveloppe.pk)
    bilan = selectors.bilan(seance)
    if not bilan.lignes:
        raise SeanceRefusee("La séance n'a aucun dossier à son ordre du jour.")
    if bilan.a_decider:
        raise SeanceRefusee(["Clôture refusée : une décision doit être proposée pour chaque dossier.",
                             *(f"Dossier {ligne.dossier} : à décider." for ligne in bilan.a_decider)])
    if bilan.total and enveloppe is None:
        raise EnveloppeInsuffisante(f"Clôture refusée : aucune enveloppe n'existe pour « {seance} » ; "
                                    f"{euros(bilan.total)} ne peuvent pas être engagés.")
    if bilan.total > bilan.disponible:
        raise EnveloppeInsuffisante(
            f"Clôture refusée : les dossiers retenus engageraient {euros(bilan.total)}, au-delà du disponible de "
            f"« {enveloppe} » ({euros(bilan.disponible)}) ; dépassement de {euros(bilan.total - bilan.disponible)}. "
            "Rien n'a été appliqué.")
    maintenant = timezone.now()
    for ligne in bilan.lignes:
        _appliquer(actor=actor, seance=seance, ligne=ligne, maintenant=maintenant)
    seance.statut, seance.cloturee_le, seance.cloturee_par = Seance.Statut.CLOTUREE, maintenant, utilisateur_de(actor)
    seance.save(update_fields=["statut", "cloturee_le", "cloturee_par"])
    audit.record(actor=actor, action="seances.cloturer", obj=seance, before={"statut": Seance.Statut.OUVERTE},
                 after={"statut": Seance.Statut.CLOTUREE, "montant": bilan.total,
                        **{c.value: bilan.compte(c.value) for c in DecisionSeance.Decision}})
    return selectors.bilan(seance)


def _appliquer(*, actor: Acteur, seance: Seance, ligne: selectors.Ligne, maintenant: datetime) -> None:
    decision = ligne.decision
    nom = TRANSITIONS.get(decision.decision)  # « ajourner »: the dossier stays in instruction
    if nom is not None:
        dossier = (Dossier.objects.select_for_update(of=("self",))
                   .select_related("grappe__campagne", "region_pilote").get(pk=decision.dossier_id))
        commentaire = decision.motif or f"Décision de la séance « {seance} »."
        donnees = {}
        if nom == "retenir":
            reserves = (dossier.verdict or {}).get("reserves")
            donnees = {"montant": ligne.montant, "maintenant": maintenant,
                       "appreciation_reserve": decision.motif if reserves else ""}
        try:
            candidatures.transitionner(actor=actor, dossier=dossier, nom=nom, commentaire=commentaire, donnees=donnees)
        except Refus as exc:  # the whole closure is refused (rolled back), naming the dossier
            raise type(exc)([f"Clôture refusée, rien n'a été appliqué. Dossier {dossier} :", *exc.messages],
                            code=exc.code, champ=exc.champ) from exc
    decision.montant_engage = ligne.engage if decision.decision == DecisionSeance.Decision.RETENIR else None
    decision.save(update_fields=["montant_engage"])
