"""Who instructs a dossier and who follows it, as in démarches-simplifiées' instructeur space.

Assignment: a filed dossier has at most one instructing agent (`Dossier.instructeur`), an account that
`comptes.selectors.instructeurs_possibles` lists (its lead region's agents). An agent of the lead region (or a
national administrator) takes it, assigns or reassigns it to a colleague, or unassigns it (`attribuer`); every
change is kept (`Attribution`, shown in the dossier's history), audited and notified to the new assignee.

Following (« Suivre »): any agent who sees the dossier may follow it; the assignee follows it automatically.
Followers are told of the dossier's events (state changes, messages): `agents_a_informer` is its followers, or,
while nobody follows it, every agent of its regions. `Suivi.vu_le` (set when the follower opens the dossier) tells
what is new since.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.etats import Etat
from esms.candidatures.models import Attribution, Dossier, Message, Suivi, Transition
from esms.comptes import audit
from esms.comptes import selectors as comptes
from esms.comptes.models import User
from esms.comptes.notifications import notifier
from esms.comptes.permissions import decide, filter_scope, require, utilisateur_de
from esms.refus import Refus


def _lien(dossier: Dossier) -> str:
    return reverse("candidatures:dossier", args=[dossier.pk])


def suiveurs(dossier: Dossier) -> list[User]:
    """The active accounts following the dossier."""
    return list(User.objects.filter(suivis__dossier=dossier, is_active=True))


def agents_a_informer(dossier: Dossier) -> list[User]:
    """The agents told of the dossier's events: its followers; while nobody follows it, its regions' agents."""
    return suiveurs(dossier) or comptes.agents_ars(regions=dossier.regions.values_list("code", flat=True))


def attributions(dossier: Dossier) -> QuerySet[Attribution]:
    """The dossier's assignment changes, oldest first (the caller has the dossier through a scoped selector)."""
    return dossier.attributions.select_related("instructeur", "precedent", "acteur")


def peut_etre_instructeur(user: User, dossier: Dossier) -> bool:
    return comptes.instructeurs_possibles(dossier=dossier).filter(pk=user.pk).exists()


def _suivre(user: User, dossier: Dossier) -> Suivi:
    suivi, _ = Suivi.objects.get_or_create(dossier=dossier, utilisateur=user)
    return suivi


def designer(*, actor, dossier: Dossier, instructeur: User) -> None:
    """Record that `instructeur` became the dossier's instructing agent through a workflow step (opening the
    instruction): the history row and the follow; the caller's transition is audited and saves the field."""
    Attribution.objects.create(dossier=dossier, instructeur=instructeur, precedent=None, acteur=utilisateur_de(actor))
    _suivre(instructeur, dossier)


@transaction.atomic
def attribuer(*, actor, dossier: Dossier, instructeur: User | None) -> Dossier:
    """Make `instructeur` the dossier's instructing agent (None: unassign). Refused outside the lead region, for a
    draft, for an account that may not instruct the dossier, or when nothing changes."""
    dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("region_pilote", "instructeur")
               .get(pk=dossier.pk))
    require(actor, "candidatures.attribuer", dossier)
    if dossier.etat == Etat.BROUILLON:
        raise CandidatureRefusee(f"Le dossier {dossier} n'est pas déposé : il n'a pas encore d'instructeur.")
    precedent = dossier.instructeur
    if instructeur is not None and not peut_etre_instructeur(instructeur, dossier):
        region = dossier.region_pilote or "national"
        raise CandidatureRefusee(f"Instructeur : {instructeur} ne peut pas instruire le dossier {dossier} (seuls les "
                                 f"agents de sa région pilote, {region}, l'instruisent).")
    if precedent == instructeur:
        raise CandidatureRefusee(f"Le dossier {dossier} est déjà attribué à {instructeur}." if instructeur
                                 else f"Le dossier {dossier} n'est attribué à personne.")
    dossier.instructeur = instructeur
    dossier.save(update_fields=["instructeur", "modifie_le"])
    Attribution.objects.create(dossier=dossier, instructeur=instructeur, precedent=precedent,
                               acteur=utilisateur_de(actor))
    audit.record(actor=actor, action="dossiers.attribuer", obj=dossier,
                 before={"instructeur": precedent.username if precedent else ""},
                 after={"instructeur": instructeur.username if instructeur else ""})
    if instructeur is not None:
        _suivre(instructeur, dossier)
        if instructeur != actor:
            notifier([instructeur], sujet=f"Dossier {dossier} : il vous est attribué",
                     texte=f"{actor} vous a attribué l'instruction du dossier {dossier}.", lien=_lien(dossier))
    if precedent is not None and precedent not in (actor, instructeur):
        notifier([precedent], sujet=f"Dossier {dossier} : il ne vous est plus attribué",
                 texte=(f"{actor} a attribué le dossier à {instructeur}." if instructeur
                        else f"{actor} a retiré l'attribution du dossier."), lien=_lien(dossier))
    return dossier


def attribuer_lot(*, actor, dossiers: Iterable[Dossier], instructeur: User) -> list[tuple[Dossier, str | None]]:
    """Assign several dossiers to one agent; each succeeds or fails on its own (its own transaction)."""
    resultats: list[tuple[Dossier, str | None]] = []
    for dossier in dossiers:
        try:
            attribuer(actor=actor, dossier=dossier, instructeur=instructeur)
            resultats.append((dossier, None))
        except (Refus, PermissionDenied) as exc:
            resultats.append((dossier, str(exc)))
    return resultats


@transaction.atomic
def suivre(*, actor, dossier: Dossier) -> Suivi:
    require(actor, "candidatures.suivre", dossier)
    if Suivi.objects.filter(dossier=dossier, utilisateur=actor).exists():
        raise CandidatureRefusee(f"Vous suivez déjà le dossier {dossier}.")
    suivi = Suivi.objects.create(dossier=dossier, utilisateur=actor)
    audit.record(actor=actor, action="dossiers.suivre", obj=dossier)
    return suivi


@transaction.atomic
def ne_plus_suivre(*, actor, dossier: Dossier) -> None:
    require(actor, "candidatures.suivre", dossier)
    supprimes, _ = Suivi.objects.filter(dossier=dossier, utilisateur=actor).delete()
    if not supprimes:
        raise CandidatureRefusee(f"Vous ne suivez pas le dossier {dossier}.")
    audit.record(actor=actor, action="dossiers.ne_plus_suivre", obj=dossier)


def marquer_vu(*, actor, dossier: Dossier) -> None:
    """The follower opened the dossier: what happened before is read. A reading mark, not a change of the
    dossier: no permission beyond seeing it (the caller's selector), no audit event."""
    if getattr(actor, "pk", None):
        Suivi.objects.filter(dossier=dossier, utilisateur=actor).update(vu_le=timezone.now())


def peut_attribuer(user, dossier: Dossier) -> bool:
    return dossier.etat != Etat.BROUILLON and bool(decide(user, "candidatures.attribuer", dossier))


def peut_suivre(user, dossier: Dossier) -> bool:
    return bool(decide(user, "candidatures.suivre", dossier))


def _nouveautes(modele, champ_date: str, champ_auteur: str) -> Subquery:
    lignes = (modele.objects.filter(dossier_id=OuterRef("dossier_id"), **{f"{champ_date}__gt": OuterRef("vu_le")})
              .exclude(**{champ_auteur: OuterRef("utilisateur_id")}).order_by()
              .values("dossier_id").annotate(n=Count("pk")).values("n"))
    return Subquery(lignes[:1], output_field=IntegerField())


def mes_suivis(*, actor) -> QuerySet[Suivi]:
    """The dossiers the actor follows, with how many state changes and messages by others since it last opened
    each (`nouveautes`), the most recent first."""
    return (Suivi.objects.filter(utilisateur=actor)
            .filter(dossier__in=filter_scope(actor, Dossier.objects.all()))
            .select_related("dossier__grappe__porteur", "dossier__instructeur")
            .annotate(nouveautes=Coalesce(_nouveautes(Transition, "cree_le", "acteur_id"), Value(0))
                      + Coalesce(_nouveautes(Message, "cree_le", "auteur_id"), Value(0)))
            .order_by(F("nouveautes").desc(), "-dossier__modifie_le"))
