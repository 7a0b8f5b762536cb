"""`{% commandes_sons et %}`: the SONS orders section of an establishment page, for the viewer's scope (the
référentiel app sits below this one and does not import it: its template asks for the section)."""

from __future__ import annotations

from django import template

from esms.referencement.selectors import commandes_visibles

register = template.Library()


@register.inclusion_tag("referencement/_commandes_etablissement.html", takes_context=True)
def commandes_sons(context, etablissement) -> dict:
    user = context["request"].user
    return {"commandes_sons": commandes_visibles(user).filter(etablissement_id=etablissement.finess_et)}
