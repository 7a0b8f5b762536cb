"""Write operations on accounts (keyword-only, scope-checked, audited, transactional)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from esms.comptes import audit
from esms.comptes.models import Notification, Role, User
from esms.comptes.permissions import ActeurSysteme, require


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "region": user.region_id,
        "organismes": sorted(user.organismes.values_list("pk", flat=True)),
        "etablissements": sorted(user.etablissements.values_list("pk", flat=True)),
        "is_active": user.is_active,
    }


@transaction.atomic
def create_user(*, actor: User | ActeurSysteme, username: str, password: str, role: Role | str,
                email: str = "", first_name: str = "", last_name: str = "", region: str | None = None,
                organismes: Iterable[str] = (), etablissements: Iterable[str] = ()) -> User:
    """Create an account with its role and scope. `actor=SYSTEME` is reserved to system commands."""
    require(actor, "comptes.gerer")
    role = Role(role)
    organismes, etablissements = list(organismes), list(etablissements)
    errors = {}
    if role == Role.AGENT_ARS and not region:
        errors["region"] = "Un agent ARS doit être rattaché à une région."
    if role == Role.RESPONSABLE_OG and not organismes:
        errors["organismes"] = "Un porteur doit représenter au moins un organisme gestionnaire (FINESS EJ)."
    if role in (Role.GESTIONNAIRE_ESSMS, Role.EDITEUR) and not etablissements:
        errors["etablissements"] = "Ce rôle doit être rattaché à au moins un établissement (FINESS ET)."
    if User.objects.filter(username=username).exists():
        errors["username"] = f"L'identifiant « {username} » est déjà utilisé."
    if errors:
        raise ValidationError(errors)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, role=role,
                region_id=region)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.organismes.set(organismes)  # type: ignore[arg-type]  # FINESS numbers: string primary keys
    user.etablissements.set(etablissements)  # type: ignore[arg-type]
    audit.record(actor=actor, action="comptes.creer", obj=user, after=_snapshot(user))
    return user


def marquer_notifications_lues(*, user: User) -> int:
    """Mark the user's own notifications as read (a personal state: no audit event)."""
    return Notification.objects.filter(destinataire=user, lue=False).update(lue=True)
