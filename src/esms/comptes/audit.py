"""Audit trail writer: every service that changes data calls `record` inside its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model

from esms.comptes.models import AuditEvent, User

if TYPE_CHECKING:
    from esms.comptes.permissions import Acteur


def _label(actor: Acteur) -> str:
    if actor is None:
        return "système"
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


def record(*, actor: Acteur, action: str, obj: Model | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, comment: str = "", object_type: str = "",
           object_id: str = "", object_repr: str = "") -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    actor_obj = actor if isinstance(actor, User) and actor.pk else None
    return AuditEvent.objects.create(
        actor=actor_obj, actor_label=_label(actor), action=action, object_type=object_type,
        object_id=object_id, object_repr=object_repr, before=before, after=after, comment=comment,
    )
