"""The access rule of every page and every API operation, for the route × role test (`test_routes_roles.py`).

The test walks Django's URL resolver and django-ninja's router: a route without a rule here fails it, with
the route's name. A rule says who may use the route and, when its address names an object, which object of the
victim's world (`monde.py`) the test puts in it; intruders then get that object's id.

- `PUBLIC`: anyone, anonymous included (open data, public statistics, the login page);
- `CONNECTE`: any signed-in user with a role, whichever (lists are filtered by scope: checked by markers);
- `COMPTE`: any signed-in account, one without a role yet included (its own account pages);
- a set of roles: only these roles (before scope);
- `objet=True`: the address names a victim's object: only its legitimate user (`legitime`) and the national
  administrator are in scope; every intruder must be refused.
- `jeton=True` (with `PUBLIC`): the address carries a secret sent to one person (an invitation): whoever holds it
  may open it, anonymous included, but a signed-in user other than `legitime` may not act on it (POST refused).

Adding a route: add its rule here (key = the route as printed by the failing test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from esms.comptes.models import Role

PUBLIC = "public"
CONNECTE = "connecte"
COMPTE = "compte"
A, ARS, P, G, E = Role.ADMIN_NATIONAL, Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.GESTIONNAIRE_ESSMS, Role.EDITEUR
SANS_ROLE = None  # in a set of roles: an active account without a role yet (self-registered, claim pending)
INSTRUCTION = frozenset({A, ARS})
CONSULTATION = frozenset({A, ARS, P, G})
USAGES = frozenset({A, ARS, P, G, E})


@dataclass(frozen=True)
class Regle:
    acces: str | frozenset  # PUBLIC, CONNECTE, or the roles allowed
    adresse: Callable  # monde -> path (for the API: path under /api/v1)
    methodes: tuple[str, ...] = ("GET",)  # the methods the route serves
    objet: bool = False  # the address names an object of the victim
    legitime: str = "admin"  # the user of `monde` of the positive control
    corps: Callable | None = None  # monde -> POST data naming the victim's objects
    servi: int = 200  # status of the legitimate GET
    admin_inclus: bool = True  # False: a personal object (a saved search, a token, an avis asked to someone)
    # Routes whose object is named in the POST body: a refusal may be the form page (400) or a redirect with an
    # error message, provided `temoin(monde)` — the victim's state this route could change — did not change.
    temoin: Callable | None = None
    jeton: bool = False  # PUBLIC, but only `legitime` (or an anonymous holder of the link) may POST


def _besoins(m) -> list:
    from esms.bourse.models import Besoin

    return sorted(Besoin.objects.values_list("etablissement_id", "campagne_id", "statut"))


def _propositions(m) -> list:
    from esms.bourse.models import Proposition

    return sorted(Proposition.objects.values_list("besoin_id", "ouverture_id", "statut"))


def _ght(m) -> list:
    from esms.referencement.models import AppartenanceGht

    return sorted(AppartenanceGht.objects.values_list("organisme_id", "nom_ght", "justificatif"))


def _d(chemin: str) -> Callable:
    """An address on the victim's dossier in usage follow-up."""
    return lambda m: f"/candidatures/dossiers/{m.dossier.pk}/{chemin}"


def _b(chemin: str) -> Callable:
    """An address on the victim's draft."""
    return lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/{chemin}"


def _u(chemin: str) -> Callable:
    return lambda m: f"/usages/dossiers/{m.dossier.pk}/{chemin}"


def _s(chemin: str) -> Callable:
    """An address on the victim region's séance de sélection."""
    return lambda m: f"/seances/{m.seance.pk}/{chemin}"


def _periode(m) -> dict:
    return {"debut": "2024-10-01", "fin": "2024-12-31", "finess_et": m.et_membre}


POST = ("POST",)
GET_POST = ("GET", "POST")

WEB: dict[str, Regle] = {
    "": Regle(PUBLIC, lambda m: "/"),
    "accessibilite/": Regle(PUBLIC, lambda m: "/accessibilite/"),
    "comptes/connexion/": Regle(PUBLIC, lambda m: "/comptes/connexion/", GET_POST),
    "comptes/deconnexion/": Regle(PUBLIC, lambda m: "/comptes/deconnexion/", POST),
    "comptes/audit/": Regle(frozenset({A}), lambda m: "/comptes/audit/"),
    r"comptes/^audit/export\.(?P<format>csv|xlsx|ods)$": Regle(frozenset({A}), lambda m: "/comptes/audit/export.csv"),
    # Self-service: public pages; the links e-mailed to one person act for that person (the verification and reset
    # links prove the address, an invitation is accepted only by its addressee).
    "comptes/inscription/": Regle(PUBLIC, lambda m: "/comptes/inscription/", GET_POST),
    "comptes/inscription/verification/<str:jeton>/": Regle(
        PUBLIC, lambda m: f"/comptes/inscription/verification/{m.jeton_verification}/"),
    "comptes/invitation/<str:jeton>/": Regle(
        PUBLIC, lambda m: f"/comptes/invitation/{m.invitation.jeton}/", GET_POST, jeton=True, legitime="invite",
        temoin=lambda m: type(m.invitation).objects.get(pk=m.invitation.pk).acceptee_le),
    "comptes/mot-de-passe/oublie/": Regle(PUBLIC, lambda m: "/comptes/mot-de-passe/oublie/", GET_POST),
    "comptes/mot-de-passe/oublie/envoye/": Regle(PUBLIC, lambda m: "/comptes/mot-de-passe/oublie/envoye/"),
    "comptes/mot-de-passe/nouveau/<uidb64>/<token>/": Regle(
        PUBLIC, lambda m: f"/comptes/mot-de-passe/nouveau/{m.lien_reinitialisation}/", GET_POST),
    "comptes/mot-de-passe/modifie/": Regle(PUBLIC, lambda m: "/comptes/mot-de-passe/modifie/"),
    "comptes/proconnect/": Regle(PUBLIC, lambda m: "/comptes/proconnect/"),
    "comptes/proconnect/retour/": Regle(PUBLIC, lambda m: "/comptes/proconnect/retour/?code=x&state=y"),
    # One's own account.
    "comptes/mon-compte/": Regle(COMPTE, lambda m: "/comptes/mon-compte/", GET_POST),
    "comptes/mon-compte/desactiver/": Regle(COMPTE, lambda m: "/comptes/mon-compte/desactiver/", POST),
    "comptes/mot-de-passe/changer/": Regle(COMPTE, lambda m: "/comptes/mot-de-passe/changer/", GET_POST),
    # The second factor is required of national administrators only: its pages are theirs.
    "comptes/double-facteur/": Regle(frozenset({A}), lambda m: "/comptes/double-facteur/", GET_POST),
    "comptes/double-facteur/activer/": Regle(frozenset({A}), lambda m: "/comptes/double-facteur/activer/", GET_POST),
    # Claims: asked by an account without a role (or a porteur, a manager); decided by the region's agents; the
    # supporting document is read by its claimant and the region's agents only.
    "comptes/rattachement/": Regle(frozenset({P, G, SANS_ROLE}), lambda m: "/comptes/rattachement/", GET_POST,
                                   legitime="demandeur"),
    "comptes/rattachements/": Regle(INSTRUCTION, lambda m: "/comptes/rattachements/", legitime="ars_ara"),
    "comptes/rattachements/<int:pk>/": Regle(
        INSTRUCTION, lambda m: f"/comptes/rattachements/{m.rattachement.pk}/", GET_POST, objet=True,
        legitime="ars_ara"),
    "comptes/rattachements/<int:pk>/justificatif/": Regle(
        COMPTE, lambda m: f"/comptes/rattachements/{m.rattachement.pk}/justificatif/", objet=True,
        legitime="demandeur"),
    # A porteur invites colleagues to the organismes it represents.
    "comptes/inviter/": Regle(
        frozenset({P}), lambda m: "/comptes/inviter/", POST, objet=True, legitime="porteur_ara", admin_inclus=False,
        corps=lambda m: {"organisme": m.ref.og_ara.pk, "email": "collegue@asso-ain.example"},
        temoin=lambda m: type(m.invitation).objects.filter(organisme=m.ref.og_ara).count()),
    # Account administration: national administrators, and ARS agents for the accounts of their region.
    "comptes/gestion/": Regle(INSTRUCTION, lambda m: "/comptes/gestion/", legitime="ars_ara"),
    "comptes/gestion/<int:pk>/": Regle(INSTRUCTION, lambda m: f"/comptes/gestion/{m.porteur_ara.pk}/", GET_POST,
                                       objet=True, legitime="ars_ara"),
    "comptes/gestion/<int:pk>/activation/": Regle(
        INSTRUCTION, lambda m: f"/comptes/gestion/{m.porteur_ara.pk}/activation/", POST, objet=True,
        legitime="ars_ara"),
    # The outbox: national administrators see failed e-mails and send them again.
    "comptes/courriels/": Regle(frozenset({A}), lambda m: "/comptes/courriels/"),
    "comptes/courriels/<int:pk>/renvoyer/": Regle(frozenset({A}), lambda m: f"/comptes/courriels/{m.courriel.pk}/renvoyer/",
                                                  POST),
    "comptes/notifications/": Regle(COMPTE, lambda m: "/comptes/notifications/"),
    "comptes/notifications/lues/": Regle(COMPTE, lambda m: "/comptes/notifications/lues/", POST),
    # The référentiel is open data, shown to signed-in users.
    "referentiel/etablissements/": Regle(CONNECTE, lambda m: "/referentiel/etablissements/"),
    "referentiel/etablissements/<str:finess_et>/": Regle(
        CONNECTE, lambda m: f"/referentiel/etablissements/{m.et_membre}/"),
    "referentiel/etablissements/<str:finess_et>/qualifier/": Regle(
        INSTRUCTION, lambda m: f"/referentiel/etablissements/{m.et_membre}/qualifier/", POST, objet=True,
        legitime="ars_ara"),
    "referentiel/organismes/<str:finess_ej>/": Regle(
        CONNECTE, lambda m: f"/referentiel/organismes/{m.ref.og_ara.pk}/"),
    "referentiel/imports/": Regle(INSTRUCTION, lambda m: "/referentiel/imports/"),
    "referentiel/imports/nouveau/": Regle(frozenset({A}), lambda m: "/referentiel/imports/nouveau/", POST),
    "referentiel/imports/<int:pk>/": Regle(INSTRUCTION, lambda m: f"/referentiel/imports/{m.import_finess.pk}/"),
    "referentiel/imports/<int:pk>/confirmer/": Regle(
        frozenset({A}), lambda m: f"/referentiel/imports/{m.import_finess.pk}/confirmer/", POST),
    "referentiel/imports/<int:pk>/annuler/": Regle(
        frozenset({A}), lambda m: f"/referentiel/imports/{m.import_finess.pk}/annuler/", POST),
    "referentiel/imports/<int:pk>/rejets/": Regle(
        INSTRUCTION, lambda m: f"/referentiel/imports/{m.import_finess.pk}/rejets/", servi=404),
    # Candidatures: the porteur's draft.
    "candidatures/": Regle(CONSULTATION, lambda m: "/candidatures/", servi=302),
    "candidatures/creer/": Regle(frozenset({P}), lambda m: "/candidatures/creer/", GET_POST, legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/modifier/": Regle(frozenset({P}), _b("modifier/"), objet=True,
                                                      legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/grappe/": Regle(frozenset({P}), _b("grappe/"), POST, objet=True,
                                                    legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/membres/": Regle(frozenset({P}), _b("membres/"), POST, objet=True,
                                                     legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/membres/<str:finess>/": Regle(
        frozenset({P}), lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/membres/{m.ref.et_ara[0].pk}/", POST,
        objet=True, legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/membres/<str:finess>/retirer/": Regle(
        frozenset({P}), lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/membres/{m.ref.et_ara[0].pk}/retirer/",
        POST, objet=True, legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/etablissements/": Regle(
        frozenset({P}), lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/etablissements/?q=EHPAD", objet=True,
        legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/verdict/": Regle(frozenset({P}), _b("verdict/"), objet=True,
                                                     legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/pieces/": Regle(frozenset({P}), _b("pieces/"), POST, objet=True,
                                                    legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/deposer/": Regle(frozenset({P}), _b("deposer/"), GET_POST, objet=True,
                                                     legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/pieces/<int:document_pk>/supprimer/": Regle(
        frozenset({P}), lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/pieces/{m.document.pk}/supprimer/", POST,
        objet=True, legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/pieces/<int:document_pk>/remplacer/": Regle(
        frozenset({P}), lambda m: f"/candidatures/dossiers/{m.brouillon.pk}/pieces/{m.document.pk}/remplacer/", POST,
        objet=True, legitime="porteur_ara"),
    # The dossier page and its actions.
    "candidatures/dossiers/<int:pk>/": Regle(CONSULTATION, _d(""), objet=True, legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/transitions/<slug:nom>/": Regle(
        INSTRUCTION, _d("transitions/classer_sans_suite/"), POST, objet=True, legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/messages/": Regle(frozenset({A, ARS, P}), _d("messages/"), POST, objet=True,
                                                      legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/annotations/": Regle(INSTRUCTION, _d("annotations/"), POST, objet=True,
                                                         legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/etiquettes/": Regle(INSTRUCTION, _d("etiquettes/"), POST, objet=True,
                                                        legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/avis/": Regle(INSTRUCTION, _d("avis/"), POST, objet=True, legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/avis/<int:avis_pk>/": Regle(
        INSTRUCTION, lambda m: f"/candidatures/dossiers/{m.dossier.pk}/avis/{m.avis.pk}/", POST, objet=True,
        legitime="ars_ara", admin_inclus=False),
    "candidatures/dossiers/<int:pk>/documents/<int:document_pk>/": Regle(
        CONSULTATION, lambda m: f"/candidatures/dossiers/{m.dossier.pk}/documents/{m.document.pk}/", objet=True,
        legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/convention.pdf": Regle(CONSULTATION, _d("convention.pdf"), objet=True,
                                                           legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/archive.zip": Regle(CONSULTATION, _d("archive.zip"), objet=True,
                                                       legitime="porteur_ara"),
    "candidatures/dossiers/<int:pk>/accuse-de-depot.pdf": Regle(CONSULTATION, _d("accuse-de-depot.pdf"), objet=True,
                                                                legitime="porteur_ara"),
    r"candidatures/^dossiers/(?P<pk>\d+)/membres\.(?P<format>csv|xlsx|ods)$": Regle(
        CONSULTATION, lambda m: f"/candidatures/dossiers/{m.dossier.pk}/membres.xlsx", objet=True,
        legitime="porteur_ara"),
    # A dossier's assignment and followers (the lead region's agents assign; any agent who sees it follows).
    "candidatures/dossiers/<int:pk>/attribution/": Regle(INSTRUCTION, _d("attribution/"), POST, objet=True,
                                                         legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/suivre/": Regle(INSTRUCTION, _d("suivre/"), POST, objet=True, legitime="ars_ara"),
    "candidatures/dossiers/<int:pk>/ne-plus-suivre/": Regle(INSTRUCTION, _d("ne-plus-suivre/"), POST, objet=True,
                                                            legitime="ars_ara"),
    "candidatures/instruction/attribution/": Regle(
        INSTRUCTION, lambda m: "/candidatures/instruction/attribution/", POST, objet=True, legitime="ars_ara",
        corps=lambda m: {"dossiers": [m.dossier.pk], "instructeur": m.ars_ara.pk},
        temoin=lambda m: type(m.dossier).objects.get(pk=m.dossier.pk).instructeur_id),
    "candidatures/instruction/suivis/": Regle(INSTRUCTION, lambda m: "/candidatures/instruction/suivis/",
                                              legitime="ars_ara"),
    # The instruction queue (filtered by scope) and its actions.
    "candidatures/instruction/": Regle(INSTRUCTION, lambda m: "/candidatures/instruction/", legitime="ars_ara"),
    r"candidatures/^instruction/export\.(?P<format>csv|xlsx|ods)$": Regle(
        INSTRUCTION, lambda m: "/candidatures/instruction/export.csv", legitime="ars_ara"),
    "candidatures/instruction/decision/": Regle(
        INSTRUCTION, lambda m: "/candidatures/instruction/decision/", POST, objet=True, legitime="ars_ara",
        corps=lambda m: {"dossiers": [m.dossier.pk], "decision": "classer_sans_suite", "commentaire": "x"},
        temoin=lambda m: type(m.dossier).objects.get(pk=m.dossier.pk).etat),
    "candidatures/instruction/recherches/": Regle(INSTRUCTION, lambda m: "/candidatures/instruction/recherches/",
                                                  POST, legitime="ars_ara"),
    "candidatures/instruction/recherches/<int:pk>/supprimer/": Regle(
        INSTRUCTION, lambda m: f"/candidatures/instruction/recherches/{m.recherche.pk}/supprimer/", POST,
        objet=True, legitime="ars_ara", admin_inclus=False),
    # Envelopes.
    "financement/enveloppes/": Regle(INSTRUCTION, lambda m: "/financement/enveloppes/", legitime="ars_ara"),
    "financement/enveloppes/<int:pk>/": Regle(INSTRUCTION, lambda m: f"/financement/enveloppes/{m.enveloppe.pk}/",
                                              objet=True, legitime="ars_ara"),
    "financement/enveloppes/dossiers/<int:pk>/liberer/": Regle(
        INSTRUCTION, lambda m: f"/financement/enveloppes/dossiers/{m.dossier.pk}/liberer/", POST, objet=True,
        legitime="ars_ara"),
    "financement/enveloppes/creer/": Regle(frozenset({A}), lambda m: "/financement/enveloppes/creer/", POST),
    "financement/enveloppes/doter/": Regle(
        frozenset({A}), lambda m: "/financement/enveloppes/doter/", POST,
        corps=lambda m: {"enveloppe": m.enveloppe.pk, "montant": "1000", "libelle": "x"}),
    # Usages.
    "usages/": Regle(USAGES, lambda m: "/usages/", legitime="porteur_ara"),
    "usages/dossiers/<int:pk>/": Regle(USAGES, _u(""), objet=True, legitime="porteur_ara"),
    "usages/dossiers/<int:pk>/saisir/": Regle(
        frozenset({P, E}), _u("saisir/"), POST, objet=True, legitime="porteur_ara",
        corps=lambda m: {**_periode(m), "dui_actifs": 5}),
    "usages/dossiers/<int:pk>/importer/": Regle(frozenset({P, E}), _u("importer/"), POST, objet=True,
                                                legitime="porteur_ara", corps=_periode),
    "usages/dossiers/<int:pk>/preuves/": Regle(frozenset({P, E}), _u("preuves/"), POST, objet=True,
                                               legitime="porteur_ara", corps=_periode),
    "usages/dossiers/<int:pk>/decider/": Regle(
        INSTRUCTION, _u("decider/"), POST, objet=True, legitime="ars_ara",
        corps=lambda m: {**_periode(m), "decision": "valider", "motif": "x"}),
    "usages/dossiers/<int:pk>/modele-indicateurs/": Regle(USAGES, _u("modele-indicateurs/"), objet=True,
                                                          legitime="porteur_ara"),
    "usages/versements/": Regle(INSTRUCTION, lambda m: "/usages/versements/", legitime="ars_ara"),
    "usages/versements/<int:pk>/ordonner/": Regle(
        INSTRUCTION, lambda m: f"/usages/versements/{m.versement.pk}/ordonner/", POST, objet=True,
        legitime="ars_ara"),
    "usages/editeurs/": Regle(frozenset({P, G}), lambda m: "/usages/editeurs/", legitime="porteur_ara"),
    "usages/editeurs/autoriser/": Regle(
        frozenset({P, G}), lambda m: "/usages/editeurs/autoriser/", POST, objet=True, legitime="porteur_ara",
        corps=lambda m: {"editeur": m.editeur_autre.username, "finess_et": m.et_membre},
        temoin=lambda m: sorted(m.editeur_autre.etablissements.values_list("pk", flat=True))),
    "usages/editeurs/revoquer/": Regle(
        frozenset({P, G}), lambda m: "/usages/editeurs/revoquer/", POST, objet=True, legitime="porteur_ara",
        corps=lambda m: {"editeur": m.editeur_ara.username, "finess_et": m.et_membre},
        temoin=lambda m: sorted(m.editeur_ara.etablissements.values_list("pk", flat=True))),
    # Campaigns.
    "campagnes/": Regle(CONSULTATION, lambda m: "/campagnes/"),
    "campagnes/<str:code>/": Regle(CONSULTATION, lambda m: "/campagnes/2024/"),
    "campagnes/<str:code>/nouvelle-version/": Regle(frozenset({A}), lambda m: "/campagnes/2024/nouvelle-version/",
                                                    GET_POST),
    # Draft parameter versions, comparison, simulation (national administrator only).
    "campagnes/<str:code>/brouillon/<slug:section>/": Regle(
        frozenset({A}), lambda m: "/campagnes/2024/brouillon/grappe/", GET_POST),
    "campagnes/<str:code>/comparer/": Regle(frozenset({A}), lambda m: "/campagnes/2024/comparer/"),
    "campagnes/<str:code>/simulation/": Regle(frozenset({A}), lambda m: "/campagnes/2024/simulation/"),
    "campagnes/<str:code>/simulation/<slug:tableau>.<str:format>": Regle(
        frozenset({A}), lambda m: "/campagnes/2024/simulation/dossiers.csv", servi=404),  # 404: no draft yet
    "campagnes/<str:code>/publier/": Regle(frozenset({A}), lambda m: "/campagnes/2024/publier/", POST),
    "campagnes/<str:code>/etiquettes/": Regle(frozenset({A}), lambda m: "/campagnes/2024/etiquettes/", POST),
    "campagnes/<str:code>/etiquettes/<int:pk>/supprimer/": Regle(
        frozenset({A}), lambda m: f"/campagnes/2024/etiquettes/{m.etiquette.pk}/supprimer/", POST),
    # Dashboards (national, regional) and public statistics.
    "pilotage/": Regle(INSTRUCTION, lambda m: "/pilotage/"),
    "pilotage/export/<slug:tableau>.<str:format>": Regle(frozenset({A}), lambda m: "/pilotage/export/indicateurs.csv"),
    "pilotage/regions/<str:code>/": Regle(INSTRUCTION, lambda m: "/pilotage/regions/84/", objet=True,
                                          legitime="ars_ara"),
    "pilotage/regions/<str:code>/export/<slug:tableau>.<str:format>": Regle(
        INSTRUCTION, lambda m: "/pilotage/regions/84/export/indicateurs.csv", objet=True, legitime="ars_ara"),
    "statistiques/": Regle(PUBLIC, lambda m: "/statistiques/"),
    "statistiques/export/<slug:tableau>.<str:format>": Regle(PUBLIC, lambda m: "/statistiques/export/chiffres-cles.csv"),
    # Register of Ségur-referenced solutions: read by every signed-in user, edited by national admins.
    "referencement/": Regle(CONNECTE, lambda m: "/referencement/"),
    "referencement/choisir/": Regle(CONNECTE, lambda m: "/referencement/choisir/?q=alpha"),
    "referencement/importer/": Regle(frozenset({A}), lambda m: "/referencement/importer/", POST),
    "referencement/solutions/<int:pk>/": Regle(CONNECTE, lambda m: f"/referencement/solutions/{m.solution.pk}/"),
    "referencement/solutions/<int:pk>/modifier/": Regle(
        frozenset({A}), lambda m: f"/referencement/solutions/{m.solution.pk}/modifier/", POST),
    "referencement/solutions/<int:pk>/comptes/": Regle(
        frozenset({A}), lambda m: f"/referencement/solutions/{m.solution.pk}/comptes/", POST),
    # GHT memberships: read and declared by ARS agents (their region's organismes) and national administrators;
    # the FINESS+ groups are read by national administrators.
    "referencement/ght/": Regle(INSTRUCTION, lambda m: "/referencement/ght/", legitime="ars_ara"),
    "referencement/ght/declarer/": Regle(
        INSTRUCTION, lambda m: "/referencement/ght/declarer/", POST, objet=True, legitime="ars_ara",
        corps=lambda m: {"finess_ej": m.ref.og_ara.pk, "nom_ght": "GHT intrus", "justificatif": "x"},
        temoin=lambda m: _ght(m)),
    "referencement/ght/<int:pk>/retirer/": Regle(
        INSTRUCTION, lambda m: f"/referencement/ght/{m.ght.pk}/retirer/", POST, objet=True, legitime="ars_ara"),
    "referencement/ght/finess-plus/": Regle(frozenset({A}), lambda m: "/referencement/ght/finess-plus/", POST),
    # SONS purchase orders: every signed-in user reads those of its scope; national admins import the file.
    "referencement/sons/": Regle(CONNECTE, lambda m: "/referencement/sons/"),
    "referencement/sons/importer/": Regle(frozenset({A}), lambda m: "/referencement/sons/importer/", POST),
    # Bourse aux grappes: the market is read by the roles that take part; a need is declared or withdrawn by its
    # establishment's side; a draft is opened by its porteur; matches are computed or suggested by the region's
    # agents (the whole country: national administrators); a proposal is answered by either side.
    "bourse/": Regle(CONSULTATION, lambda m: "/bourse/"),
    "bourse/besoins/": Regle(
        frozenset({P, G}), lambda m: "/bourse/besoins/", POST, objet=True, legitime="gestionnaire_ara",
        corps=lambda m: {"finess_et": m.et_membre, "campagne": "2025", "contact": "x", "cas": "acquisition",
                         "distance_max_km": 30},
        temoin=lambda m: _besoins(m)),
    "bourse/besoins/<int:pk>/retirer/": Regle(
        frozenset({P, G}), lambda m: f"/bourse/besoins/{m.besoin.pk}/retirer/", POST, objet=True,
        legitime="gestionnaire_ara"),
    "bourse/grappes/<int:pk>/ouvrir/": Regle(
        frozenset({P}), lambda m: f"/bourse/grappes/{m.brouillon.pk}/ouvrir/", POST, objet=True,
        legitime="porteur_ara", corps=lambda m: {"places": 3, "cloture": "2099-12-31"}),
    "bourse/propositions/calculer/": Regle(
        INSTRUCTION, lambda m: "/bourse/propositions/calculer/", POST, objet=True, legitime="ars_ara",
        corps=lambda m: {"campagne": "2024", "region": "84"}, temoin=lambda m: _propositions(m)),
    "bourse/propositions/suggerer/": Regle(
        INSTRUCTION, lambda m: "/bourse/propositions/suggerer/", POST, objet=True, legitime="ars_ara",
        corps=lambda m: {"besoin": m.besoin.pk, "ouverture": m.ouverture.pk}, temoin=lambda m: _propositions(m)),
    "bourse/propositions/<int:pk>/repondre/": Regle(
        frozenset({P, G}), lambda m: f"/bourse/propositions/{m.proposition.pk}/repondre/", POST, objet=True,
        legitime="gestionnaire_ara", corps=lambda m: {"reponse": "accepter"}),
    "bourse/projets/<int:pk>/repondre/": Regle(
        frozenset({P}), lambda m: f"/bourse/projets/{m.projet.pk}/repondre/", POST, objet=True,
        legitime="porteur_ara", corps=lambda m: {"reponse": "accepter"}),
    # Consent to membership: the establishment's side (its organisme or its manager) answers.
    "candidatures/adhesions/": Regle(frozenset({P, G}), lambda m: "/candidatures/adhesions/",
                                     legitime="gestionnaire_ara"),
    "candidatures/adhesions/<int:pk>/accepter/": Regle(
        frozenset({P, G}), lambda m: f"/candidatures/adhesions/{m.adhesion.pk}/accepter/", POST, objet=True,
        legitime="gestionnaire_ara"),
    "candidatures/adhesions/<int:pk>/retirer/": Regle(
        frozenset({P, G}), lambda m: f"/candidatures/adhesions/{m.adhesion.pk}/retirer/", POST, objet=True,
        legitime="gestionnaire_ara"),
    # Séances de sélection: the list (filtered by scope) and creation; a séance of the victim's region and its actions.
    "seances/": Regle(INSTRUCTION, lambda m: "/seances/", GET_POST, legitime="ars_ara"),
    "seances/<int:pk>/": Regle(INSTRUCTION, _s(""), objet=True, legitime="ars_ara"),
    "seances/<int:pk>/dossiers/": Regle(INSTRUCTION, _s("dossiers/"), POST, objet=True, legitime="ars_ara",
                                        corps=lambda m: {"dossiers": [m.dossier.pk]}),
    "seances/<int:pk>/dossiers/<int:dossier_pk>/decision/": Regle(
        INSTRUCTION, lambda m: f"/seances/{m.seance.pk}/dossiers/{m.dossier.pk}/decision/", POST, objet=True,
        legitime="ars_ara", corps=lambda m: {f"d{m.dossier.pk}-decision": "ajourner"}),
    "seances/<int:pk>/dossiers/<int:dossier_pk>/retirer/": Regle(
        INSTRUCTION, lambda m: f"/seances/{m.seance.pk}/dossiers/{m.dossier.pk}/retirer/", POST, objet=True,
        legitime="ars_ara"),
    "seances/<int:pk>/cloturer/": Regle(INSTRUCTION, _s("cloturer/"), GET_POST, objet=True, legitime="ars_ara"),
    "seances/<int:pk>/proces-verbal.pdf": Regle(INSTRUCTION, _s("proces-verbal.pdf"), objet=True, legitime="ars_ara"),
    r"seances/^(?P<pk>\d+)/proces-verbal\.(?P<format>csv|xlsx|ods)$": Regle(
        INSTRUCTION, _s("proces-verbal.csv"), objet=True, legitime="ars_ara"),
    # API pages that are not operations: its documentation, root, unknown addresses; the tokens page.
    "api/v1/openapi.json": Regle(PUBLIC, lambda m: "/api/v1/openapi.json"),
    "api/v1/docs": Regle(PUBLIC, lambda m: "/api/v1/docs"),
    "api/v1/": Regle(PUBLIC, lambda m: "/api/v1/", servi=404),
    "api/^v1/(?P<reste>.*)$": Regle(PUBLIC, lambda m: "/api/v1/inconnue", servi=404),
    "api/jetons/": Regle(CONNECTE, lambda m: "/api/jetons/", GET_POST),
    "api/jetons/<int:pk>/revoquer/": Regle(CONNECTE, lambda m: f"/api/jetons/{m.jeton.pk}/revoquer/", POST,
                                           objet=True, legitime="porteur_ara", admin_inclus=False),
}

# Routes whose access rule is still to be written: NOT checked (the test fails if one disappears without its entry
# being removed, and on any other route without a rule). Empty: every route has its rule — keep it that way.
EN_ATTENTE: frozenset[str] = frozenset()

# The Django admin: staff only; every other user is sent to its login page (except that page and logout).
ADMIN_PREFIXE = "admin/"
ADMIN_PUBLIC = ("admin/login/", "admin/logout/")


def _indicateurs(m) -> dict:
    return {"finess_et": m.et_membre, "debut": "2024-10-01", "fin": "2024-12-31", "dui_actifs": 3}


def _commande_sons(m) -> dict:
    return {"finess_et": m.et_membre, "solution_id": m.solution.pk, "vague": 1, "date_commande": "2024-03-01",
            "statut": "commande"}


API: dict[str, Regle] = {
    "GET /moi": Regle(CONNECTE, lambda m: "/moi"),
    "GET /moi/etablissements": Regle(CONNECTE, lambda m: "/moi/etablissements"),
    "GET /referentiel/etablissements": Regle(CONNECTE, lambda m: "/referentiel/etablissements"),
    "GET /referentiel/etablissements/{finess_et}": Regle(
        CONNECTE, lambda m: f"/referentiel/etablissements/{m.et_membre}"),
    "GET /referentiel/organismes/{finess_ej}": Regle(CONNECTE, lambda m: f"/referentiel/organismes/{m.ref.og_ara.pk}"),
    "GET /referentiel/regions": Regle(CONNECTE, lambda m: "/referentiel/regions"),
    "GET /referentiel/categories": Regle(CONNECTE, lambda m: "/referentiel/categories"),
    "GET /dossiers": Regle(CONSULTATION, lambda m: "/dossiers", legitime="porteur_ara"),
    "GET /dossiers/{dossier_id}": Regle(CONSULTATION, lambda m: f"/dossiers/{m.dossier.pk}", objet=True,
                                        legitime="porteur_ara"),
    "GET /enveloppes": Regle(INSTRUCTION, lambda m: "/enveloppes", legitime="ars_ara"),
    "GET /enveloppes/{enveloppe_id}": Regle(INSTRUCTION, lambda m: f"/enveloppes/{m.enveloppe.pk}", objet=True,
                                            legitime="ars_ara"),
    "POST /usages/indicateurs": Regle(frozenset({E}), lambda m: "/usages/indicateurs", POST, objet=True,
                                      legitime="editeur_ara", corps=_indicateurs, servi=201),
    "POST /usages/preuves": Regle(frozenset({E}), lambda m: "/usages/preuves", POST, objet=True,
                                  legitime="editeur_ara", corps=lambda m: {**_periode(m), "fichier": b"x"}),
    "GET /sons/commandes": Regle(CONNECTE, lambda m: "/sons/commandes"),
    # A vendor declares the SONS order of an establishment that authorised it, for one of its own solutions.
    "POST /sons/commandes": Regle(frozenset({E}), lambda m: "/sons/commandes", POST, objet=True,
                                 legitime="editeur_ara", corps=_commande_sons, servi=201),
    **{f"GET /pilotage/{nom}": Regle(INSTRUCTION, lambda m, nom=nom: f"/pilotage/{nom}?region=84", objet=True,
                                     legitime="ars_ara")
       for nom in ("indicateurs", "couverture", "enveloppes", "dossiers", "evolution", "secteurs", "dui-actifs")},
}

# Users the test runs every route with: intruders hold each role outside the victim's scope.
# `inscrit_autre`: an account without a role yet (signed up, no claim validated), which every new account is.
INTRUS = ("porteur_autre", "gestionnaire_autre", "editeur_autre", "agent_autre", "inscrit_autre")


@dataclass
class Constat:
    """What went wrong on one route for one user."""

    route: str
    methode: str
    statut: int
    raison: str
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.methode} {self.route} → {self.statut} : {self.raison}"
