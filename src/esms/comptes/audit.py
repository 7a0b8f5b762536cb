"""Audit trail writer: every service that changes data calls `record` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from esms.comptes.models import AuditEvent


def _label(actor) -> str:
    if actor is None:
        return "système"
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


def record(*, actor, action: str, obj: Model | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, comment: str = "", object_type: str = "",
           object_id: str = "", object_repr: str = "") -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor_obj, actor_label=_label(actor), action=action, object_type=object_type,
        object_id=object_id, object_repr=object_repr, before=before, after=after, comment=comment,
    )
