"""Role questions of self-service and account administration, kept in `comptes` (the only app naming roles):
who may claim, who validates, which roles an ARS agent may grant, and granting a role with its scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeGuard

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from esms.comptes.models import Role, User
from esms.comptes.permissions import Acteur, role_of

# What an ARS agent may grant (never the agent or national administrator roles).
ROLES_DELEGUES = (Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS, Role.EDITEUR)
CHOIX_ROLES = [("", "Aucun rôle"), *Role.choices]


def agents_de_region(region_id: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.AGENT_ARS, region_id=region_id)


def est_agent_ars(user: Acteur) -> TypeGuard[User]:
    return role_of(user) == Role.AGENT_ARS


def administrable_par_agent(user: User) -> bool:
    return user.role in ("", *ROLES_DELEGUES)


def comptes_de_region(region: str) -> Q:
    """The accounts an ARS agent of `region` administers (its scope on accounts, registered in apps.py): those
    without a role or with a role it may grant, whose organismes and establishments are all in its region and who
    have one there or a claim there. An account that also acts elsewhere is administered nationally: an agent
    never changes what another region granted. An organisme is in the region of its département, or (a stub
    without département) in a region where it has an establishment."""
    par_organisme, par_etablissement = User.organismes.through, User.etablissements.through
    organismes_dedans = par_organisme.objects.filter(
        Q(organismegestionnaire__departement__region=region)
        | Q(organismegestionnaire__departement__isnull=True, organismegestionnaire__etablissements__region=region))
    dedans = (Q(pk__in=organismes_dedans.values("user_id")) | Q(pk__in=par_etablissement.objects.filter(
        etablissement__region=region).values("user_id")) | Q(rattachements__region=region))
    ailleurs = (Q(pk__in=par_organisme.objects.exclude(pk__in=organismes_dedans.values("pk")).values("user_id"))
                | Q(pk__in=par_etablissement.objects.exclude(etablissement__region=region).values("user_id")))
    return Q(pk__in=User.objects.filter(dedans).values("pk"), role__in=["", *ROLES_DELEGUES]) & ~ailleurs


def verifier_role(role: str, *, par_agent: bool, region: str | None) -> None:
    if role and role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    if par_agent and role and role not in ROLES_DELEGUES:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Seul un administrateur national attribue ce rôle.")
    if role == Role.AGENT_ARS and not region and not par_agent:
        raise ValidationError({"region": "Un agent ARS doit être rattaché à une région."})


def accorder(user: User, *, organismes: Iterable[str] = (), etablissements: Iterable[str] = ()) -> None:
    """Add a claim's scope: organismes make a porteur, establishments an ESSMS manager (one role per account)."""
    role = Role.RESPONSABLE_OG if organismes else Role.GESTIONNAIRE_ESSMS
    if user.role and user.role != role:
        raise ValidationError(f"Ce compte a déjà le rôle « {user.get_role_display()} » : un compte n'a qu'un rôle.")
    user.role = role
    user.save(update_fields=["role"])
    user.organismes.add(*organismes)  # type: ignore[arg-type]  # primary keys (FINESS numbers)
    user.etablissements.add(*etablissements)  # type: ignore[arg-type]


def appliquer(user: User, *, role: str, region: str | None, organismes: list[str], etablissements: list[str]) -> None:
    """Set the role and exactly the scope that goes with it (the rest is removed)."""
    user.role, user.region_id = role, (region or None) if role == Role.AGENT_ARS else None
    user.save(update_fields=["role", "region"])
    user.organismes.set(organismes if role == Role.RESPONSABLE_OG else [])  # type: ignore[arg-type]
    gere = role in (Role.GESTIONNAIRE_ESSMS, Role.EDITEUR)
    user.etablissements.set(etablissements if gere else [])  # type: ignore[arg-type]
