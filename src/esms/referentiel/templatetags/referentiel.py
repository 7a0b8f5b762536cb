"""Template filters of the référentiel pages."""

from django import template

from esms.rules.categories import SECTEUR_LIBELLES

register = template.Library()


@register.filter
def libelle_secteur(code: str) -> str:
    """« personnes_agees » → « Personnes âgées »."""
    libelle = SECTEUR_LIBELLES.get(code, code or "")
    return libelle[:1].upper() + libelle[1:]
