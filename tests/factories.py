"""Tiny builders for référentiel objects and users, for tests that do not need the real FINESS file."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from esms.comptes.permissions import SYSTEME
from esms.comptes.services import create_user
from esms.referentiel.models import Categorie, Departement, Etablissement, OrganismeGestionnaire, Region
from esms.rules.finess import cle_finess

_counter = itertools.count(1)


luhn_key = cle_finess


def finess(prefix: str) -> str:
    """A valid FINESS number (with its key) starting with a two-character département prefix."""
    body = f"{prefix}{next(_counter):06d}"
    return body + cle_finess(body)


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
    return create_user(actor=SYSTEME, username=username or f"{role}-{next(_counter)}", password=password,
                       role=role, **scope)


def campagne(code: str = "2024"):
    from esms.candidatures.models import Campagne

    return Campagne.objects.get_or_create(code=code, defaults={"libelle": f"Campagne {code}"})[0]


def dossier_depose(og, *, region: Region | None, appel: str = "regional", montant: int = 100_000,
                   etat: str = "en_instruction", camp=None):
    """A dossier already filed (bypassing the rules), for instruction and envelope tests."""
    from esms.candidatures.models import Dossier, Grappe

    camp = camp or campagne()
    grappe = Grappe.objects.create(nom=f"Grappe {next(_counter)}", campagne=camp, porteur=og, solution_dui="DUI X")
    from esms.candidatures.models import VersionParametres

    version = VersionParametres.objects.filter(campagne=camp).order_by("-numero").first() or version_parametres(camp)
    dossier = Dossier.objects.create(grappe=grappe, etat=etat, appel=appel, region_pilote=region, version=version,
                                     montant_demande=montant, numero=f"{camp.code}-{next(_counter):05d}")
    if region is not None:
        dossier.regions.add(region)
    return dossier


def version_2024(*, ouverte_aujourdhui: bool = False):
    """Campagne 2024 loaded from the shipped parameters (optionally with its calls open today)."""
    from django.utils import timezone

    from esms.candidatures import campagnes
    from esms.candidatures.models import VersionParametres

    campagnes.charger(actor=SYSTEME, code="2024")
    version = VersionParametres.objects.filter(campagne__code="2024").order_by("-numero").first()
    if ouverte_aujourdhui:
        parametres = campagnes.fenetre_ouverte_aujourdhui(version.parametres, timezone.localdate())
        version = VersionParametres.objects.create(campagne=version.campagne, numero=version.numero + 1,
                                                   date_effet=timezone.localdate(), parametres=parametres,
                                                   motif="Tests : appels ouverts aujourd'hui")
    return version


def etablissements(dep: Departement, og: OrganismeGestionnaire, n: int, nom: str = "EHPAD") -> list[Etablissement]:
    return [etablissement(dep, og, f"{nom} {i:02d}") for i in range(n)]


def pdf_upload(nom: str = "piece.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nom, b"%PDF-1.4\n% piece de test\n", content_type="application/pdf")


# --- Candidature UI helpers (appended) -------------------------------------------------------------

def parametres_campagne_ouverte(code: str = "2024", *, autour_de=None) -> dict:
    """The shipped parameters of campagne `code` with every call open around `autour_de` (default today)."""
    from django.utils import timezone

    from esms.candidatures.campagnes import fenetre_ouverte_aujourdhui
    from esms.rules import campagne_to_dict, load_campagne

    return fenetre_ouverte_aujourdhui(campagne_to_dict(load_campagne(code)), autour_de or timezone.localdate())


def version_parametres(camp=None, *, parametres: dict | None = None, date_effet=None, numero: int = 1):
    """A VersionParametres of `camp` (default: the 2024 campagne with its calls open today)."""
    from datetime import date

    from esms.candidatures.models import VersionParametres

    camp = camp or campagne()
    return VersionParametres.objects.create(
        campagne=camp, numero=numero, date_effet=date_effet or date(2000, 1, 1),
        parametres=parametres if parametres is not None else parametres_campagne_ouverte(camp.code),
        motif="Version de test : appels ouverts autour d'aujourd'hui")



def dossier_brouillon(actor, og, membres=(), *, pieces: bool = False, nom: str = "Grappe test", camp=None,
                      consentis: bool = True):
    """A draft built through the services by porteur `actor`: its members and, with `pieces`, the three
    documents every dossier needs. Other organismes' establishments have agreed to join (`consentis`;
    consent itself is tested in tests/candidatures/test_adhesions.py)."""
    from esms.candidatures import services
    from esms.candidatures.models import Document, Membre

    camp = camp or campagne()
    dossier = services.creer_grappe(actor=actor, campagne_code=camp.code, porteur=og.pk, nom=nom,
                                    solution=solution_referencee())
    if membres:
        services.ajouter_membres(actor=actor, dossier=dossier, finess_et=[e.pk for e in membres])
        if consentis:
            Membre.objects.filter(grappe=dossier.grappe, adhesion=Membre.Adhesion.PROPOSEE).update(
                adhesion=Membre.Adhesion.ACCEPTEE)
    if pieces:
        for type_ in (Document.Type.LETTRE_ENGAGEMENT, Document.Type.CONVENTION_GRAPPE, Document.Type.NON_CUMUL_UE):
            services.deposer_document(actor=actor, dossier=dossier, type=type_, fichier=pdf_upload(f"{type_}.pdf"))
    return dossier


def verifier_double_facteur(client, user) -> None:
    """Mark a test client's session as having passed the TOTP step (national administrators need it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from esms.comptes.double_facteur import exige_double_facteur

    if user is None or not exige_double_facteur(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def code_totp(user) -> str:
    """The current code of the user's confirmed TOTP device (what the authenticator application shows)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def solution_referencee(nom: str = "DUI Test", version: str = "1.0"):
    """A register entry referenced since 2020 for every programme sector (médico-social corridor)."""
    from datetime import date

    from esms.referencement.models import Editeur, Solution
    from esms.rules.categories import SECTEURS

    editeur, _ = Editeur.objects.get_or_create(siren="732829320", defaults={"nom": "Éditeur Test"})
    return Solution.objects.get_or_create(editeur=editeur, nom=nom, version=version, couloir="medico_social", defaults={
        "vague": 1, "secteurs": [s for s in SECTEURS if s != "autre"], "date_referencement": date(2020, 1, 1),
        "nom_recherche": f"{nom} {version}".casefold()})[0]
