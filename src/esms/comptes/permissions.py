"""The one permission layer: which role may do which action, and which objects are in a user's scope.

One decision: `decide(actor, action, obj)` answers allowed, or refused with a stable code (`non_habilite`:
the role may not; `hors_perimetre`: the object is outside the actor's scope or fails the action's object
rule, e.g. only the dossier's lead region decides) and a French reason. Services call `require` (decide, and
raise the refusal), pages and the API call `decide` to show a button or answer; no other module tests a
user's role (`est_editeur`, `etablissements_non_autorises` answer the role questions other apps ask).

The system actor (`SYSTEME`: management commands, demo data, migrations) is explicit: it is allowed
everything, and `actor=SYSTEME` is refused like an anonymous user.

Scope paths: each scoped model registers, once, the ORM paths from the model to a region code, to a
FINESS EJ and to a FINESS ET (`register_scope`). A role sees the rows whose path matches its scope:
national administrators see everything, ARS agents their region, porteurs their EJ, ESSMS managers
and DUI vendors their ET, anonymous users nothing. A model may also name its owner (`proprietaire`, e.g. the
claimant of a claim): an active account always has its own rows in scope, whatever its role. An account
without a role yet (self-registered, claim pending) may only do the actions of `OUVERTES_SANS_ROLE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from esms.comptes.models import Role, User
from esms.refus import RefusPermission

M = TypeVar("M", bound=Model)

ALL_ROLES = frozenset(Role)

# Action code → roles that may perform it (before scope). Keep codes "<app>.<verb>".
PERMISSIONS: dict[str, frozenset[Role]] = {
    "referentiel.consulter": ALL_ROLES,
    "referentiel.importer": frozenset({Role.ADMIN_NATIONAL}),
    "referentiel.voir_imports": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "referentiel.qualifier": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "audit.consulter": frozenset({Role.ADMIN_NATIONAL}),
    "comptes.gerer": frozenset({Role.ADMIN_NATIONAL}),
    "comptes.administrer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "comptes.inviter": frozenset({Role.RESPONSABLE_OG}),
    # Claims: asked by porteurs, ESSMS managers and accounts without a role (OUVERTES_SANS_ROLE); the supporting
    # document is read by its claimant (owner) and by the region's agents (scope).
    "comptes.rattacher": frozenset({Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "comptes.justificatif": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    # The second authentication factor is required of national administrators: its pages are theirs.
    "comptes.double_facteur": frozenset({Role.ADMIN_NATIONAL}),
    "campagnes.gerer": frozenset({Role.ADMIN_NATIONAL}),
    "candidatures.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "candidatures.creer": frozenset({Role.RESPONSABLE_OG}),
    "candidatures.deposer": frozenset({Role.RESPONSABLE_OG}),
    "candidatures.consentir": frozenset({Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "candidatures.instruire": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    # Put a campaign's labels on a dossier in scope (internal to instruction).
    "candidatures.etiqueter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.decider": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.conventionner": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "candidatures.messagerie": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG}),
    # Decide for a dossier as its lead region: only its region's agents (or national administrators).
    "candidatures.piloter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    # Take, assign, reassign or unassign a dossier's instructing agent: its lead region's agents (object rule).
    "candidatures.attribuer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    # Follow a dossier (be notified of its events): any agent who sees it.
    "candidatures.suivre": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "bourse.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "bourse.declarer": frozenset({Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "bourse.ouvrir": frozenset({Role.RESPONSABLE_OG}),
    # Compute or suggest matches on a region's market (the Region object: an agent's own region only).
    "bourse.proposer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "bourse.proposer_pays": frozenset({Role.ADMIN_NATIONAL}),
    "bourse.porter": frozenset({Role.RESPONSABLE_OG}),
    "enveloppes.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    # Selection committees: prepare (create, put dossiers on the agenda, propose decisions), then close.
    "seances.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "seances.preparer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "seances.cloturer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "enveloppes.doter": frozenset({Role.ADMIN_NATIONAL}),
    "enveloppes.liberer": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "pilotage.national": frozenset({Role.ADMIN_NATIONAL}),
    "pilotage.regional": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "usages.consulter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "usages.declarer": frozenset({Role.RESPONSABLE_OG, Role.EDITEUR}),
    "usages.valider": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "usages.autoriser_editeur": frozenset({Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS}),
    "versements.exporter": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
    "api.jetons": ALL_ROLES,
    "referencement.consulter": ALL_ROLES,
    "referencement.gerer": frozenset({Role.ADMIN_NATIONAL}),
    # Declare an organisme's GHT membership (an agent: the organismes of its region).
    "referencement.ght": frozenset({Role.ADMIN_NATIONAL, Role.AGENT_ARS}),
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
    "comptes.administrer": "administrer les comptes et valider les rattachements",
    "comptes.inviter": "inviter des collègues dans votre organisme",
    "comptes.rattacher": "demander un rattachement à un organisme ou à des établissements",
    "comptes.justificatif": "consulter le justificatif de cette demande de rattachement",
    "comptes.double_facteur": "utiliser la vérification en deux étapes (réservée aux administrateurs nationaux)",
    "campagnes.gerer": "modifier les paramètres des campagnes",
    "candidatures.consulter": "consulter les dossiers",
    "candidatures.creer": "créer une grappe",
    "candidatures.deposer": "modifier et déposer un dossier",
    "candidatures.consentir": "accepter ou refuser l'adhésion d'un établissement à une grappe",
    "candidatures.instruire": "instruire un dossier",
    "candidatures.etiqueter": "étiqueter un dossier",
    "candidatures.decider": "décider d'un dossier",
    "candidatures.conventionner": "gérer la convention d'un dossier",
    "candidatures.messagerie": "échanger des messages sur un dossier",
    "candidatures.piloter": "décider pour un dossier en tant que région pilote",
    "candidatures.attribuer": "attribuer un dossier à un instructeur",
    "candidatures.suivre": "suivre un dossier",
    "bourse.consulter": "consulter la bourse aux grappes",
    "bourse.declarer": "déclarer un besoin de grappe",
    "bourse.ouvrir": "ouvrir une grappe aux nouveaux membres",
    "bourse.proposer": "calculer et suggérer des rapprochements",
    "bourse.proposer_pays": "calculer les rapprochements de tout le pays",
    "bourse.porter": "porter une nouvelle grappe proposée par la bourse",
    "enveloppes.consulter": "consulter les enveloppes",
    "seances.consulter": "consulter les séances de sélection",
    "seances.preparer": "préparer une séance de sélection",
    "seances.cloturer": "clôturer une séance de sélection et appliquer ses décisions",
    "enveloppes.doter": "doter une enveloppe",
    "enveloppes.liberer": "libérer l'engagement d'un dossier",
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
    "referencement.ght": "déclarer l'appartenance d'un organisme à un GHT",
    "sons.consulter": "consulter les commandes SONS",
    "sons.importer": "importer des commandes SONS",
    "sons.declarer": "transmettre des commandes SONS",
}


# Actions also open to an active account that has no role yet (self-registered, its claim not validated yet).
OUVERTES_SANS_ROLE: frozenset[str] = frozenset({"comptes.rattacher", "comptes.justificatif"})


@dataclass(frozen=True)
class ScopePaths:
    # The path to the region code, or a function of the agent's region code giving the filter (when "in the
    # region" is more than one path, e.g. the accounts an agent administers).
    region: str | Callable[[str], Q] | None = None
    ej: str | None = None
    et: str | None = None
    multi: bool = False  # a path crosses a to-many relation: filter through a pk subquery (no duplicates)
    proprietaire: str | None = None  # the path to the owner's user id: its own rows are in its scope


_SCOPE_PATHS: dict[type[Model], ScopePaths] = {}


def register_scope(model: type[Model], *, region: str | Callable[[str], Q] | None = None, ej: str | None = None,
                   et: str | None = None, multi: bool = False, proprietaire: str | None = None) -> None:
    _SCOPE_PATHS[model] = ScopePaths(region=region, ej=ej, et=et, multi=multi, proprietaire=proprietaire)


class ActeurSysteme:
    """The platform itself acting (commands, demo data): allowed everything, audited as « système »."""

    pk = None
    is_authenticated = True
    is_active = True

    def __str__(self) -> str:
        return "système"

    def get_username(self) -> str:
        return "système"


SYSTEME = ActeurSysteme()

# Who acts: an account (User), an anonymous visitor (`request.user` before sign-in), the platform itself
# (`SYSTEME`), or None (refused). The type of every `actor` argument of services, selectors and this layer.
Acteur: TypeAlias = User | AnonymousUser | ActeurSysteme | None


def utilisateur_de(actor: Acteur) -> User | None:
    """The user row to store as author of a write (None for the system actor)."""
    return actor if isinstance(actor, User) else None


def compte_de(actor: Acteur) -> User:
    """The account acting, where a write records a person (an author, a depositor) or a read is « mine »:
    the system actor, an anonymous visitor and no one are refused (`non_habilite`)."""
    if not isinstance(actor, User):
        raise RefusPermission("Cette action est réservée à un compte connecté.", code="non_habilite")
    return actor


def role_of(user: Acteur) -> Role | None:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN_NATIONAL
    try:
        return Role(user.role)
    except ValueError:
        return None


def _compte_actif(user: Acteur) -> TypeGuard[User]:
    """A signed-in, active account (whatever its role, none included)."""
    return isinstance(user, User) and user.is_authenticated and user.is_active and user.pk is not None


def has_perm(user: Acteur, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"Action inconnue de la couche de permissions : {action}")
    if user is SYSTEME:
        return True
    role = role_of(user)
    if role is None:
        return action in OUVERTES_SANS_ROLE and _compte_actif(user) and not user.role
    return role in PERMISSIONS[action]


@dataclass(frozen=True)
class Decision:
    """Allowed, or refused with a stable code and a French reason. True when allowed."""

    permis: bool
    code: str = "permis"
    raison: str = ""

    def __bool__(self) -> bool:
        return self.permis

    def exiger(self) -> None:
        """Raise the refusal (a `RefusPermission`: Django and the API answer 403) unless allowed."""
        if not self.permis:
            raise RefusPermission(self.raison, code=self.code)


PERMIS = Decision(True)


def _region_pilote(user: Acteur, dossier: Any) -> str | None:
    """National administrators, or agents of the dossier's lead region, decide for the dossier."""
    if role_of(user) == Role.ADMIN_NATIONAL:
        return None
    if (dossier.appel != "national" and isinstance(user, User) and user.region_id is not None
            and user.region_id == dossier.region_pilote_id):
        return None
    return (f"Seule la région pilote ({dossier.region_pilote or 'national'}) ou l'administration nationale "
            "décide pour ce dossier.")


def _region_de_la_seance(user: Acteur, seance: Any) -> str | None:
    """National administrators, or agents of the séance's region, prepare and close it (a national séance: the
    national administration only), as for deciding on a dossier."""
    if role_of(user) == Role.ADMIN_NATIONAL:
        return None
    if seance.region_id is not None and isinstance(user, User) and user.region_id == seance.region_id:
        return None
    return (f"Seule l'ARS de la région de la séance ({seance.region or 'national'}) ou l'administration nationale "
            "prépare et clôture cette séance.")


# Object rules beyond role and scope, by action: None when allowed, else the French reason (`hors_perimetre`).
REGLES_OBJET: dict[str, Callable[[Acteur, Any], str | None]] = {
    "candidatures.piloter": _region_pilote,
    "candidatures.attribuer": _region_pilote,
    "enveloppes.liberer": _region_pilote,
    "seances.preparer": _region_de_la_seance,
    "seances.cloturer": _region_de_la_seance,
}


def decide(actor: Acteur, action: str, obj: Model | None = None) -> Decision:
    """May `actor` perform `action` (on `obj`, when given: scope and the action's object rule)?"""
    if actor is SYSTEME:
        if action not in PERMISSIONS:
            raise KeyError(f"Action inconnue de la couche de permissions : {action}")
        return PERMIS
    if not has_perm(actor, action):
        return Decision(False, "non_habilite", f"Vous n'êtes pas habilité à {ACTION_LABELS.get(action, action)}.")
    if obj is None:
        return PERMIS
    if not in_scope(actor, obj):
        return Decision(False, "hors_perimetre", "Cet objet est hors de votre périmètre.")
    regle = REGLES_OBJET.get(action)
    raison = regle(actor, obj) if regle is not None else None
    return Decision(False, "hors_perimetre", raison) if raison else PERMIS


def require(user: Acteur, action: str, obj: Model | None = None) -> None:
    """Raise a permission refusal (`RefusPermission`, a PermissionDenied) unless `decide` allows."""
    decide(user, action, obj).exiger()


def est_editeur(user: Acteur) -> TypeGuard[User]:
    """Is the account a DUI vendor (who transmits for the establishments that authorised it)?"""
    return role_of(user) == Role.EDITEUR


def etablissements_non_autorises(actor: Acteur, finess: Iterable[str]) -> list[str]:
    """The establishments among `finess` for which a vendor may not transmit (empty for any other role)."""
    if not est_editeur(actor):
        return []
    autorises: set[str] = set(actor.etablissements.values_list("pk", flat=True))
    return sorted(set(finess) - autorises)


def _id_set(user: User, attr: str) -> list[str]:
    cache: dict[str, list[str]] = vars(user).setdefault("_esms_scope_cache", {})
    if attr not in cache:
        cache[attr] = list(getattr(user, attr).values_list("pk", flat=True))
    ids: list[str] = cache[attr]
    return ids


def scope_q(user: Acteur, model: type[Model]) -> Q | None:
    """The filter of `model` rows in the user's scope; None means "everything"."""
    if user is SYSTEME:
        return None
    role = role_of(user)
    nothing = Q(pk__in=[])
    if not isinstance(user, User) or (role is None and not _compte_actif(user)):
        return nothing  # anonymous visitors, inactive accounts
    if role == Role.ADMIN_NATIONAL:
        return None
    paths = _SCOPE_PATHS.get(model)
    if paths is None:
        if role is None:  # an account without a role sees nothing of a model without an owner
            return nothing
        raise KeyError(f"Aucun périmètre n'est défini pour {model._meta.label}.")
    q = _scope_du_role(user, role, paths)
    if q is None:
        q = nothing
    if paths.proprietaire:
        q |= Q(**{paths.proprietaire: user.pk})
    return q


def _scope_du_role(user: User, role: Role | None, paths: ScopePaths) -> Q | None:
    if role == Role.AGENT_ARS:
        if paths.region is None or not user.region_id:
            return None
        return paths.region(user.region_id) if callable(paths.region) else Q(**{paths.region: user.region_id})
    if role == Role.RESPONSABLE_OG and paths.ej:
        return Q(**{f"{paths.ej}__in": _id_set(user, "organismes")})
    if role in (Role.GESTIONNAIRE_ESSMS, Role.EDITEUR) and paths.et:
        return Q(**{f"{paths.et}__in": _id_set(user, "etablissements")})
    return None


def filter_scope(user: Acteur, queryset: QuerySet[M]) -> QuerySet[M]:
    q = scope_q(user, queryset.model)
    if q is None:
        return queryset
    paths = _SCOPE_PATHS.get(queryset.model)
    if paths is not None and paths.multi:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


def in_scope(user: Acteur, obj: Model) -> bool:
    q = scope_q(user, type(obj))
    if q is None:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def etablissements_limites(user: Acteur) -> set[str] | None:
    """The establishments a user sees of a dossier, when limited to them (a DUI vendor sees only the usage of
    the establishments that authorised it, never the whole grappe, its convention or its payments); None when
    the user sees the whole dossier in scope."""
    if not est_editeur(user):
        return None
    return {str(pk) for pk in _id_set(user, "etablissements")}


def get_in_scope(user: Acteur, queryset: QuerySet[M], **lookup: Any) -> M:
    """The object matching `lookup` within the user's scope, else 404 (never reveal what exists elsewhere)."""
    obj = filter_scope(user, queryset).filter(**lookup).first()
    if obj is None:
        raise Http404("Aucun objet correspondant dans votre périmètre.")
    return obj
