"""A small programme in three regions for the dashboards' tests: establishments of several sectors (one closed,
one ineligible, one qualified by an agent), dossiers of two campagnes in every kind of state (retained, closed
after a selection or after a refusal, in instruction, national, brouillon, multi-regional), overlapping
members, envelopes with their ledger and payments in every status."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from esms.candidatures.models import Dossier, Membre
from esms.comptes.models import Role, User
from esms.financement.models import Enveloppe, LigneEnveloppe, Versement
from tests import factories

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def cache_vide():
    """The pages' content is cached per perimeter: every test starts without it."""
    cache.clear()
    yield
    cache.clear()


def _le(annee: int, mois: int) -> datetime:
    """Mid-month at noon: the same month in UTC and in Paris time."""
    return datetime(annee, mois, 15, 12, 0, tzinfo=UTC)


def _dossier(og, *, region, etat, camp, membres, appel="regional", regions=(), montant=100_000, retenu=None,
             depose=(2024, 5), decide=None) -> Dossier:
    dossier = factories.dossier_depose(og, region=region, appel=appel, montant=montant, etat=etat, camp=camp)
    for autre in regions:
        dossier.regions.add(autre)
    for et in membres:
        Membre.objects.create(grappe=dossier.grappe, etablissement=et)
    Dossier.objects.filter(pk=dossier.pk).update(
        montant_retenu=retenu, depose_le=_le(*depose) if depose else None, decide_le=_le(*decide) if decide else None)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def jeu(ref):
    idf = factories.region("11", "Île-de-France")
    paris = factories.departement("75", "Paris", idf)
    isere = factories.departement("38", "Isère", ref.ara)
    sessad = factories.categorie("182", "SESSAD", secteur="handicap_enfants")
    saad = factories.categorie("460", "SAAD", secteur="domicile")
    hopital = factories.categorie("101", "Centre hospitalier", eligible=False, secteur="autre")
    og_idf = factories.organisme("75", "Fondation francilienne")
    og_secret = factories.organisme("38", "Association Secrète Instruction")
    og_national = factories.organisme("75", "Groupe National Confidentiel")

    et_ara = ref.et_ara + factories.etablissements(ref.ain, ref.og_ara, 14) + [
        factories.etablissement(isere, ref.og_ara, f"SESSAD {i}", sessad) for i in range(5)]
    et_isere = [factories.etablissement(isere, og_secret, f"SAAD {i}", saad) for i in range(3)]
    et_idf = [factories.etablissement(paris, og_idf, f"IDF {i}", sessad if i % 2 else saad) for i in range(12)]
    et_corse = ref.et_corse + factories.etablissements(ref.csud, ref.og_corse, 7, nom="CORSE")
    ferme = factories.etablissement(ref.ain, ref.og_ara, "EHPAD FERME")
    ferme.ouvert = False
    ferme.save()
    factories.etablissement(paris, og_idf, "HOPITAL", hopital)
    et_ara[0].secteur_qualifie = "domicile"
    et_ara[0].save()

    c23, c24 = factories.campagne("2023"), factories.campagne("2024")
    factories.campagne("2025")
    d = SimpleNamespace()
    d.retenu_ara = _dossier(ref.og_ara, region=ref.ara, etat="retenu", camp=c24, membres=et_ara[:16] + [ferme],
                            retenu=80_000, decide=(2024, 7))
    d.multi = _dossier(ref.og_ara, region=ref.ara, etat="conventionne", camp=c24, appel="multiregional",
                       regions=[idf], membres=et_ara[16:20] + et_idf[:2], retenu=50_000, decide=(2024, 7))
    d.clos_retenu = _dossier(og_idf, region=idf, etat="clos", camp=c23, membres=et_idf[2:8], retenu=60_000,
                             depose=(2023, 5), decide=(2023, 9))
    d.clos_refus = _dossier(og_idf, region=idf, etat="clos", camp=c24, membres=et_idf[7:11], decide=(2024, 8))
    d.suivi_corse = _dossier(ref.og_corse, region=ref.corse, etat="en_suivi_usage", camp=c24, membres=et_corse,
                             retenu=40_000, decide=(2024, 6))
    d.solde_corse = _dossier(ref.og_corse, region=ref.corse, etat="solde", camp=c23, membres=et_corse[:2],
                             retenu=20_000, depose=(2023, 4), decide=(2023, 6))
    d.instruction = _dossier(og_secret, region=ref.ara, etat="en_instruction", camp=c24, membres=et_isere,
                             montant=777_777)
    d.non_retenu = _dossier(og_secret, region=ref.ara, etat="non_retenu", camp=c24, membres=et_isere[:1],
                            depose=(2024, 3), decide=(2024, 8))
    d.national_depose = _dossier(og_national, region=ref.ara, etat="depose", camp=c24, appel="national",
                                 regions=[idf, ref.corse], membres=et_idf[11:12], montant=999_999)
    d.national_retenu = _dossier(og_idf, region=idf, etat="retenu", camp=c24, appel="national",
                                 regions=[ref.ara], membres=et_idf[8:10] + et_ara[20:21], retenu=70_000,
                                 decide=(2024, 7))
    d.brouillon = _dossier(og_secret, region=None, etat="brouillon", camp=c24, membres=et_isere[1:], depose=None)

    envs = {}
    for camp, region, dotation in ((c24, ref.ara, 500_000), (c24, idf, 300_000), (c23, idf, 200_000),
                                   (c24, ref.corse, 100_000), (c23, ref.corse, 50_000), (c24, None, 1_000_000)):
        env = Enveloppe.objects.create(campagne=camp, region=region, libelle=f"{camp.code} {region or 'national'}")
        LigneEnveloppe.objects.create(enveloppe=env, type="dotation", montant=dotation, libelle="Délégation")
        envs[(camp.code, region.code if region else None)] = env
    Enveloppe.objects.create(campagne=c23, region=ref.ara, libelle="2023 ARA (sans ligne)")
    for (cle, dossier, montant) in ((("2024", "84"), d.retenu_ara, -80_000), (("2024", "84"), d.multi, -60_000),
                                    (("2023", "11"), d.clos_retenu, -60_000), (("2024", "94"), d.suivi_corse, -40_000),
                                    (("2023", "94"), d.solde_corse, -20_000), (("2024", None), d.national_retenu, -70_000)):
        LigneEnveloppe.objects.create(enveloppe=envs[cle], type="engagement", montant=montant, dossier=dossier,
                                      libelle="Engagement")
    LigneEnveloppe.objects.create(enveloppe=envs[("2024", "84")], type="liberation", montant=10_000, dossier=d.multi,
                                  libelle="Libération")
    for dossier, type_, montant, statut in (
            (d.retenu_ara, "avance", 40_000, "paye"), (d.retenu_ara, "solde", 40_000, "programme"),
            (d.multi, "avance", 25_000, "ordonne"), (d.clos_retenu, "avance", 30_000, "paye"),
            (d.clos_retenu, "solde", 30_000, "annule"), (d.suivi_corse, "avance", 20_000, "paye"),
            (d.national_retenu, "avance", 35_000, "ordonne")):
        Versement.objects.create(dossier=dossier, type=type_, montant=montant, statut=statut, libelle=type_)

    return SimpleNamespace(ref=ref, idf=idf, paris=paris, isere=isere, og_idf=og_idf, og_secret=og_secret,
                           og_national=og_national, et_ara=et_ara, et_idf=et_idf, et_corse=et_corse, ferme=ferme,
                           dossiers=d, c23=c23, c24=c24)


@pytest.fixture
def utilisateurs(jeu, make_user):
    sans_region = make_user(Role.AGENT_ARS, region="84")
    User.objects.filter(pk=sans_region.pk).update(region=None)  # an inconsistent account (created by hand)
    sans_region.refresh_from_db()
    return SimpleNamespace(
        admin=make_user(Role.ADMIN_NATIONAL),
        ars_ara=make_user(Role.AGENT_ARS, region="84"),
        ars_idf=make_user(Role.AGENT_ARS, region="11"),
        ars_sans_region=sans_region,
        porteur=make_user(Role.RESPONSABLE_OG, organismes=[jeu.ref.og_ara.pk]),
        gestionnaire=make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[jeu.et_ara[0].pk]),
        editeur=make_user(Role.EDITEUR, etablissements=[jeu.et_ara[0].pk]),
    )
