"""Reads of the séances de sélection: lists in scope, the dossiers that may join an agenda, and the figures of a
séance — its envelope (total, committed, remaining), each dossier's computed funding and the impact of the
proposed decisions in agenda order (running total committed, remaining after each)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from esms.candidatures.etats import ETATS_A_DECIDER
from esms.candidatures.models import Dossier
from esms.comptes.permissions import Acteur, filter_scope, get_in_scope, require
from esms.financement import selectors as enveloppes
from esms.financement.models import Enveloppe
from esms.seances.models import DecisionSeance, Seance


def seances(*, actor: Acteur) -> QuerySet[Seance]:
    require(actor, "seances.consulter")
    return filter_scope(actor, Seance.objects.select_related("campagne", "region"))


def seance(*, actor: Acteur, pk: int) -> Seance:
    """The séance `pk` within the actor's scope, else 404."""
    require(actor, "seances.consulter")
    return get_in_scope(actor, Seance.objects.select_related("campagne", "region"), pk=pk)


def enveloppe(seance: Seance) -> Enveloppe | None:
    """The envelope the séance's dossiers commit: the campaign's for its region, or the national one."""
    return Enveloppe.objects.filter(campagne_id=seance.campagne_id, region_id=seance.region_id).first()


def dossiers_de_l_enveloppe(seance: Seance) -> QuerySet[Dossier]:
    """Dossiers of the séance's campaign that commit its envelope (`financement.selectors.enveloppe_du_dossier`)."""
    qs = Dossier.objects.filter(grappe__campagne_id=seance.campagne_id)
    if seance.region_id is None:
        return qs.filter(appel=Dossier.Appel.NATIONAL)
    return qs.exclude(appel=Dossier.Appel.NATIONAL).filter(region_pilote_id=seance.region_id)


def a_inscrire(*, actor: Acteur, seance: Seance) -> QuerySet[Dossier]:
    """Dossiers in scope, ready to be decided, committing the séance's envelope and on no open séance's agenda."""
    occupes = DecisionSeance.objects.filter(seance__statut=Seance.Statut.OUVERTE).values("dossier_id")
    qs = filter_scope(actor, dossiers_de_l_enveloppe(seance).filter(etat__in=ETATS_A_DECIDER))
    return (qs.exclude(pk__in=occupes).select_related("grappe__porteur", "region_pilote")
            .order_by("depose_le", "id"))


def seances_ouvertes_des(dossiers: Iterable[int]) -> dict[int, Seance]:
    """For each dossier among `dossiers` (ids) on an open séance's agenda, that séance."""
    decisions = (DecisionSeance.objects.filter(dossier_id__in=list(dossiers), seance__statut=Seance.Statut.OUVERTE)
                 .select_related("seance"))
    return {d.dossier_id: d.seance for d in decisions}


@dataclass
class Ligne:
    """One dossier of the agenda with its proposed decision and what it does to the envelope."""

    decision: DecisionSeance
    montant: int  # computed funding (frozen at filing from the rules' verdict), what retaining commits
    engage: int  # committed by this decision (the amount when retained, else 0)
    cumul: int  # committed by the séance's proposals up to this one
    reste: int | None  # envelope remaining after this one (None without an envelope)
    reste_si_retenu: int | None  # what would remain if this one were retained on top of the others

    @property
    def dossier(self) -> Dossier:
        return self.decision.dossier


@dataclass
class Bilan:
    seance: Seance
    enveloppe: Enveloppe | None
    dotation: int
    engage: int  # already committed on the envelope, before the séance
    disponible: int  # remaining before the séance
    lignes: list[Ligne] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Committed by the séance's proposals."""
        return sum(ligne.engage for ligne in self.lignes)

    @property
    def reste(self) -> int:
        return self.disponible - self.total

    @property
    def depasse(self) -> bool:
        return self.enveloppe is None and self.total > 0 or self.total > self.disponible

    def compte(self, decision: str) -> int:
        return sum(1 for ligne in self.lignes if ligne.decision.decision == decision)

    @property
    def retenus(self) -> int:
        return self.compte(DecisionSeance.Decision.RETENIR)

    @property
    def refuses(self) -> int:
        return self.compte(DecisionSeance.Decision.REFUSER)

    @property
    def ajournes(self) -> int:
        return self.compte(DecisionSeance.Decision.AJOURNER)

    @property
    def comptes(self) -> list[tuple[str, int]]:
        """(label, count) per decision, « à décider » last."""
        libelles = [(c.label, self.compte(c.value)) for c in DecisionSeance.Decision]
        return [*libelles, ("À décider", self.compte(""))]

    @property
    def a_decider(self) -> list[Ligne]:
        return [ligne for ligne in self.lignes if not ligne.decision.decision]


def bilan(seance: Seance) -> Bilan:
    """The séance's figures. Once closed, the amounts are those committed at closure."""
    env = enveloppe(seance)
    etat = enveloppes.etat(env) if env is not None else None
    decisions = list(seance.decisions.select_related("dossier__grappe__porteur", "dossier__region_pilote"))
    cloturee = not seance.ouverte
    engage_seance = sum(d.montant_engage or 0 for d in decisions) if cloturee else 0
    disponible = (etat.disponible + engage_seance) if etat else 0
    resultat = Bilan(seance=seance, enveloppe=env, dotation=etat.dotation if etat else 0,
                     engage=(etat.engage - engage_seance) if etat else 0, disponible=disponible)
    cumul = 0
    for d in decisions:
        montant = d.montant_engage if cloturee and d.montant_engage is not None else d.dossier.montant_demande
        engage = montant if d.decision == DecisionSeance.Decision.RETENIR else 0
        si_retenu = None if env is None else disponible - cumul - montant
        cumul += engage
        resultat.lignes.append(Ligne(decision=d, montant=montant, engage=engage, cumul=cumul,
                                     reste=None if env is None else disponible - cumul,
                                     reste_si_retenu=si_retenu))
    return resultat
