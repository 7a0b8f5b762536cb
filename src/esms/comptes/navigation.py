"""Main navigation by role: each entry is shown only when the permission layer allows its action."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from esms.comptes.permissions import has_perm


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    action: str | None  # None: public entry


NAVIGATION: list[NavEntry] = [
    NavEntry("Accueil", "accueil", None),
    NavEntry("Statistiques", "statistiques:accueil", None),
    NavEntry("Dossiers", "candidatures:liste", "candidatures.consulter"),
    NavEntry("Bourse aux grappes", "bourse:marche", "bourse.consulter"),
    NavEntry("Adhésions", "candidatures:adhesions", "candidatures.consentir"),
    NavEntry("Enveloppes", "financement:enveloppes", "enveloppes.consulter"),
    NavEntry("Usages", "usages:liste", "usages.consulter"),
    NavEntry("Pilotage", "pilotage:accueil", "pilotage.regional"),
    NavEntry("Établissements", "referentiel:recherche", "referentiel.consulter"),
    NavEntry("Solutions Ségur", "referencement:registre", "referencement.consulter"),
    NavEntry("Commandes SONS", "referencement:commandes", "sons.consulter"),
    NavEntry("Campagnes", "campagnes:liste", "candidatures.consulter"),
    NavEntry("Imports FINESS", "referentiel:imports", "referentiel.voir_imports"),
    NavEntry("Journal d'audit", "comptes:audit", "audit.consulter"),
    NavEntry("Comptes", "inscriptions:gestion_comptes", "comptes.administrer"),
    NavEntry("Courriels", "comptes:courriels", "comptes.gerer"),
    NavEntry("Jetons d'API", "jetons:liste", "api.jetons"),
]


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for entry in NAVIGATION:
        if entry.action is not None and not has_perm(user, entry.action):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "link": url, "current": current})
    return items
