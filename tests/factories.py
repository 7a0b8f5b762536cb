"""Tiny builders for référentiel objects and users, for tests that do not need the real FINESS file."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from esms.comptes.services import create_user
from esms.referentiel.models import Categorie, Departement, Etablissement, OrganismeGestionnaire, Region

_counter = itertools.count(1)


def luhn_key(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def finess(prefix: str) -> str:
    """A valid numeric FINESS number (Luhn key) starting with a two-digit département prefix."""
    body = f"{prefix}{next(_counter):06d}"
    return body + luhn_key(body)


def region(code: str, nom: str, *, corse: bool = False, outre_mer: bool = False) -> Region:
    return Region.objects.get_or_create(code=code, defaults={"nom": nom, "est_corse": corse,
                                                             "est_outre_mer": outre_mer})[0]


def departement(code: str, nom: str, reg: Region, code_finess: str | None = None) -> Departement:
    return Departement.objects.get_or_create(code=code, defaults={
        "nom": nom, "region": reg, "code_finess": code_finess or code[:2],
        "est_corse": reg.est_corse, "est_outre_mer": reg.est_outre_mer})[0]


def categorie(code: str = "500", libelle: str = "EHPAD", *, eligible: bool = True,
              secteur: str = "personnes_agees") -> Categorie:
    return Categorie.objects.get_or_create(code=code, defaults={
        "libelle": libelle, "domaine": "SOC" if eligible else "SAN", "eligible": eligible, "secteur": secteur})[0]


def organisme(prefix: str, nom: str = "Association test") -> OrganismeGestionnaire:
    return OrganismeGestionnaire.objects.create(finess_ej=finess(prefix), raison_sociale=nom)


def etablissement(dep: Departement, og: OrganismeGestionnaire, nom: str, cat: Categorie | None = None,
                  prefix: str | None = None) -> Etablissement:
    return Etablissement.objects.create(
        finess_et=finess(prefix or (dep.code_finess if dep.code_finess.isdigit() else "20")),
        organisme=og, raison_sociale=nom, nom_recherche=nom.upper(), departement=dep, region=dep.region,
        categorie=cat or categorie())


def mini_referentiel() -> SimpleNamespace:
    ara = region("84", "Auvergne-Rhône-Alpes")
    corse = region("94", "Corse", corse=True)
    ain = departement("01", "Ain", ara)
    csud = departement("2A", "Corse-du-Sud", corse)
    og_ara = organisme("01", "Association de l'Ain")
    og_corse = organisme("20", "Association corse")
    et_ara = [etablissement(ain, og_ara, f"EHPAD LES TILLEULS {i}") for i in range(2)]
    et_corse = [etablissement(csud, og_corse, f"EHPAD U SOLE {i}") for i in range(2)]
    return SimpleNamespace(ara=ara, corse=corse, ain=ain, csud=csud, og_ara=og_ara, og_corse=og_corse,
                           et_ara=et_ara, et_corse=et_corse)


def make_user(role: str, *, username: str | None = None, password: str = "mot-de-passe-test-1", **scope):
    return create_user(actor=None, username=username or f"{role}-{next(_counter)}", password=password,
                       role=role, **scope)
