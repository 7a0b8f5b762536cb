"""Read queries on accounts and the audit trail."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from esms.comptes.models import AuditEvent, Notification
from esms.comptes.permissions import require


def audit_events(*, actor, q: str = "", action: str = "") -> QuerySet[AuditEvent]:
    require(actor, "audit.consulter")
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if q:
        events = events.filter(
            Q(object_repr__icontains=q) | Q(object_id=q) | Q(actor_label__icontains=q) | Q(comment__icontains=q)
        )
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def notifications(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another user's)."""
    return Notification.objects.filter(destinataire=user)


def nb_notifications_non_lues(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(destinataire=user, lue=False).count()
