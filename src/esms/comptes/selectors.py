"""Read queries on accounts and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from esms.comptes.models import AuditEvent, Courriel, Notification, Role, User
from esms.comptes.permissions import Acteur, compte_de, require, role_of

if TYPE_CHECKING:  # types only: comptes sits below referentiel
    from esms.referentiel.models import Etablissement, OrganismeGestionnaire


def audit_events(*, actor: Acteur, q: str = "", action: str = "", acteur: str = "", objet: str = "",
                 debut: date | None = None, fin: date | None = None) -> QuerySet[AuditEvent]:
    """Events matching the filters: free text, action code, actor (name), object type, period (days, inclusive)."""
    require(actor, "audit.consulter")
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if acteur:
        events = events.filter(actor_label__icontains=acteur)
    if objet:
        events = events.filter(object_type=objet)
    if debut:
        events = events.filter(created_at__date__gte=debut)
    if fin:
        events = events.filter(created_at__date__lte=fin)
    if q:
        events = events.filter(
            Q(object_repr__icontains=q) | Q(object_id=q) | Q(actor_label__icontains=q) | Q(comment__icontains=q)
        )
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_types_objet() -> list[str]:
    return list(AuditEvent.objects.exclude(object_type="").order_by("object_type")
                .values_list("object_type", flat=True).distinct())


def notifications(*, user: Acteur) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another user's)."""
    return Notification.objects.filter(destinataire=compte_de(user))


def nb_notifications_non_lues(user: Acteur) -> int:
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return Notification.objects.filter(destinataire=user, lue=False).count()


def agents_ars(*, regions: Iterable[str]) -> list[User]:
    """Active ARS agents of these regions (the instructors notified about a dossier)."""
    return list(User.objects.filter(is_active=True, role=Role.AGENT_ARS, region_id__in=list(regions)))


def representants(*, organisme: OrganismeGestionnaire | str) -> list[User]:
    """Active accounts representing an organisme gestionnaire (FINESS EJ) as porteur."""
    return list(User.objects.filter(is_active=True, role=Role.RESPONSABLE_OG, organismes=organisme))


def gestionnaires(*, etablissement: Etablissement | str) -> list[User]:
    """Active establishment-manager accounts of an establishment (FINESS ET)."""
    return list(User.objects.filter(is_active=True, role=Role.GESTIONNAIRE_ESSMS, etablissements=etablissement))


def editeurs(*, etablissements: Iterable[str] | None = None) -> QuerySet[User]:
    """Active DUI vendor accounts (those authorised by one of `etablissements`, when given)."""
    qs = User.objects.filter(role=Role.EDITEUR, is_active=True)
    if etablissements is not None:
        qs = qs.filter(etablissements__in=list(etablissements)).distinct()
    return qs.order_by("username")


def courriels(*, actor: Acteur, statut: str = "") -> QuerySet[Courriel]:
    """The e-mails of the outbox for the national administrator: those of `statut`, or every one not sent."""
    require(actor, "comptes.gerer")
    qs = Courriel.objects.select_related("destinataire").defer("html", "texte")
    return qs.filter(statut=statut) if statut in Courriel.Statut.values else qs.exclude(statut=Courriel.Statut.ENVOYE)


def courriel(*, actor: Acteur, pk: int) -> Courriel:
    require(actor, "comptes.gerer")
    return get_object_or_404(Courriel, pk=pk)


def instructeurs_possibles(*, dossier: Any) -> QuerySet[User]:
    """Active accounts that may be a dossier's instructing agent: the ARS agents of its lead region; for a
    national-call dossier (decided nationally), the national administrators."""
    if dossier.appel == "national" or not dossier.region_pilote_id:
        qs = User.objects.filter(Q(role=Role.ADMIN_NATIONAL) | Q(is_superuser=True))
    else:
        qs = User.objects.filter(role=Role.AGENT_ARS, region_id=dossier.region_pilote_id)
    return qs.filter(is_active=True).order_by("last_name", "first_name", "username")


def agents_attribuables(*, actor: Acteur) -> QuerySet[User]:
    """The agents an instructor may assign dossiers to in one go (each dossier still checks its own lead region):
    an ARS agent's colleagues of its region (itself included); for a national administrator, every active ARS
    agent and national administrator."""
    role = role_of(actor)
    if role == Role.AGENT_ARS:
        qs = User.objects.filter(role=Role.AGENT_ARS, region_id=compte_de(actor).region_id)
    elif role == Role.ADMIN_NATIONAL:
        qs = User.objects.filter(Q(role__in=[Role.AGENT_ARS, Role.ADMIN_NATIONAL]) | Q(is_superuser=True))
    else:
        return User.objects.none()
    return qs.filter(is_active=True).select_related("region").order_by("region_id", "last_name", "username")
