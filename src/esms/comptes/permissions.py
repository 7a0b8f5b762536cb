"""The one permission layer: which role may do which action, and which objects are in a user's scope.

Views, the API and services all call `require`, `has_perm`, `filter_scope` and `get_in_scope`;
no other module tests a user's role.

Scope paths: each scoped model registers, once, the ORM paths from the model to a region code, to a
FINESS EJ and to a FINESS ET (`register_scope`). A role sees the rows whose path matches its scope:
national administrators see everything, ARS agents their region, porteurs their EJ, ESSMS managers
and DUI vendors their ET, anonymous users nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from esms.comptes.models import Role
from esms.refus import hors_perimetre, non_habilite

ALL_ROLES = frozenset(Role)

# Action code → roles that may perform it (before scope). Keep codes "<app>.<verb>".
PERMISSIONS: dict[str, frozenset[Role]] = {
    "referentiel.consulter": ALL_ROLES,
    "referentiel.importer": frozenset({Role.ADMIN_NATIONAL}),
    "referentiel.voir_imports": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "referentiel.qualifier": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "audit.consulter": frozenset({Role.ADMIN_NATIONAL}),
    "comptes.gerer": frozenset({Role.ADMIN_NATIONAL}),
    "campagnes.gerer": frozenset({Role.ADMIN_NATIONAL}),
    "candidatures.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.PORTEUR, Role.GESTIONNAIRE_ESSMS}),
    "candidatures.creer": frozenset({Role.PORTEUR}),
    "candidatures.deposer": frozenset({Role.PORTEUR}),
    "candidatures.instruire": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.decider": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.conventionner": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.messagerie": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.PORTEUR}),
    "enveloppes.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "enveloppes.doter": frozenset({Role.ADMIN_NATIONAL}),
    "pilotage.national": frozenset({Role.ADMIN_NATIONAL}),
    "pilotage.regional": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "usages.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.PORTEUR, Role.GESTIONNAIRE_ESSMS}),
    "usages.declarer": frozenset({Role.PORTEUR, Role.EDITEUR}),
    "usages.valider": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "usages.autoriser_editeur": frozenset({Role.PORTEUR, Role.GESTIONNAIRE_ESSMS}),
    "versements.exporter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "api.jetons": ALL_ROLES,
    "referencement.consulter": ALL_ROLES,
    "referencement.gerer": frozenset({Role.ADMIN_NATIONAL}),
    "sons.consulter": ALL_ROLES,
    "sons.importer": frozenset({Role.ADMIN_NATIONAL}),
    "sons.declarer": frozenset({Role.EDITEUR}),
}

ACTION_LABELS: dict[str, str] = {
    "referentiel.consulter": "consulter le référentiel",
    "referentiel.importer": "importer le fichier FINESS",
    "referentiel.voir_imports": "consulter les imports FINESS",
    "referentiel.qualifier": "qualifier un établissement",
    "audit.consulter": "consulter le journal d'audit",
    "comptes.gerer": "gérer les comptes",
    "campagnes.gerer": "modifier les paramètres des campagnes",
    "candidatures.consulter": "consulter les dossiers",
    "candidatures.creer": "créer une grappe",
    "candidatures.deposer": "modifier et déposer un dossier",
    "candidatures.instruire": "instruire un dossier",
    "candidatures.decider": "décider d'un dossier",
    "candidatures.conventionner": "gérer la convention d'un dossier",
    "candidatures.messagerie": "échanger des messages sur un dossier",
    "enveloppes.consulter": "consulter les enveloppes",
    "enveloppes.doter": "doter une enveloppe",
    "pilotage.national": "consulter le tableau de bord national",
    "pilotage.regional": "consulter le tableau de bord de la région",
    "usages.consulter": "consulter les usages et les preuves",
    "usages.declarer": "déclarer des indicateurs d'usage et déposer des preuves",
    "usages.valider": "valider l'atteinte des cibles d'usage",
    "usages.autoriser_editeur": "autoriser un éditeur de DUI",
    "versements.exporter": "exporter les ordres de paiement",
    "api.jetons": "gérer des jetons d'API",
    "referencement.consulter": "consulter le registre des solutions référencées Ségur",
    "referencement.gerer": "modifier le registre des solutions référencées Ségur",
    "sons.consulter": "consulter les commandes SONS",
    "sons.importer": "importer des commandes SONS",
    "sons.declarer": "transmettre des commandes SONS",
}


@dataclass(frozen=True)
class ScopePaths:
    region: str | None = None
    ej: str | None = None
    et: str | None = None
    multi: bool = False  # a path crosses a to-many relation: filter through a pk subquery (no duplicates)


_SCOPE_PATHS: dict[type[Model], ScopePaths] = {}


def register_scope(model: type[Model], *, region: str | None = None, ej: str | None = None,
                   et: str | None = None, multi: bool = False) -> None:
    _SCOPE_PATHS[model] = ScopePaths(region=region, ej=ej, et=et, multi=multi)


def role_of(user) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN_NATIONAL
    try:
        return Role(user.role)
    except ValueError:
        return None


def has_perm(user, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"Action inconnue de la couche de permissions : {action}")
    role = role_of(user)
    return role is not None and role in PERMISSIONS[action]


def require(user, action: str, obj: Model | None = None) -> None:
    """Raise a permission refusal (`RefusPermission`, a PermissionDenied) unless `user` may perform `action` (on `obj`, when given, within scope)."""
    if not has_perm(user, action):
        raise non_habilite(f"Vous n'êtes pas habilité à {ACTION_LABELS.get(action, action)}.")
    if obj is not None and not in_scope(user, obj):
        raise hors_perimetre("Cet objet est hors de votre périmètre.")


def _id_set(user, attr: str) -> list[str]:
    cache = getattr(user, "_esms_scope_cache", None)
    if cache is None:
        cache = {}
        user._esms_scope_cache = cache
    if attr not in cache:
        cache[attr] = list(getattr(user, attr).values_list("pk", flat=True))
    return cache[attr]


def scope_q(user, model: type[Model]) -> Q | None:
    """The filter of `model` rows in the user's scope; None means "everything"."""
    role = role_of(user)
    nothing = Q(pk__in=[])
    if role is None:
        return nothing
    if role == Role.ADMIN_NATIONAL:
        return None
    paths = _SCOPE_PATHS.get(model)
    if paths is None:
        raise KeyError(f"Aucun périmètre n'est défini pour {model._meta.label}.")
    if role == Role.AGENT_ARS:
        if paths.region is None or not user.region_id:
            return nothing
        return Q(**{paths.region: user.region_id})
    if role == Role.PORTEUR:
        return Q(**{f"{paths.ej}__in": _id_set(user, "organismes")}) if paths.ej else nothing
    if role in (Role.GESTIONNAIRE_ESSMS, Role.EDITEUR):
        return Q(**{f"{paths.et}__in": _id_set(user, "etablissements")}) if paths.et else nothing
    return nothing


def filter_scope(user, queryset: QuerySet) -> QuerySet:
    q = scope_q(user, queryset.model)
    if q is None:
        return queryset
    paths = _SCOPE_PATHS.get(queryset.model)
    if paths is not None and paths.multi:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


def in_scope(user, obj: Model) -> bool:
    q = scope_q(user, type(obj))
    if q is None:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def get_in_scope(user, queryset: QuerySet, **lookup) -> Model:
    """The object matching `lookup` within the user's scope, else 404 (never reveal what exists elsewhere)."""
    obj = filter_scope(user, queryset).filter(**lookup).first()
    if obj is None:
        raise Http404("Aucun objet correspondant dans votre périmètre.")
    return obj
