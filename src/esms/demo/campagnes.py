"""Demo campagnes: every shipped campagne, a demo version of 2025 whose calls are open today (so that a
newcomer can file), and the envelopes of 2022–2025 (published regional amounts, else pro rata of ESSMS)."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from esms import rules
from esms.candidatures import campagnes
from esms.candidatures.models import Campagne, VersionParametres
from esms.candidatures.regles import campagne_de, version_en_vigueur
from esms.comptes.permissions import SYSTEME
from esms.financement import services as financement
from esms.financement.models import LigneEnveloppe
from esms.referentiel.models import Etablissement, Region
from esms.rules.repartition import enveloppes_regionales

MOTIF_DEMO = "Démonstration : appels rouverts autour de la date du jour pour essayer le dépôt"


def charger() -> None:
    for resume in rules.list_campagnes():
        campagnes.charger(actor=SYSTEME, code=resume.code)
    campagne_2025 = Campagne.objects.get(code="2025")
    if not campagne_2025.versions.filter(motif=MOTIF_DEMO).exists():
        courante = version_en_vigueur(campagne_2025)
        VersionParametres.objects.create(
            campagne=campagne_2025, numero=courante.numero + 1, date_effet=timezone.localdate(),
            parametres=campagnes.fenetre_ouverte_aujourdhui(courante.parametres, timezone.localdate()),
            motif=MOTIF_DEMO, source=VersionParametres.Source.SAISIE)
    nb_essms = dict(Etablissement.objects.filter(ouvert=True, categorie__eligible=True)
                    .values_list("region_id").annotate(n=Count("pk")))
    regions = {r.code: r for r in Region.objects.all()}
    for code in ("2022", "2023", "2024", "2025"):
        campagne = Campagne.objects.get(code=code)
        if LigneEnveloppe.objects.filter(enveloppe__campagne=campagne).exists():
            continue
        parametres = campagne_de(version_en_vigueur(campagne))
        for region, montant in enveloppes_regionales(parametres, nb_essms).items():
            enveloppe = financement.creer_enveloppe(actor=SYSTEME, campagne=campagne, region=regions[region])
            if montant > 0:
                financement.doter(actor=SYSTEME, enveloppe=enveloppe, montant=montant,
                                  libelle=f"Délégation régionale {code} (paramètres de la campagne)")
        national = parametres.enveloppes.appel_national.valeur
        enveloppe = financement.creer_enveloppe(actor=SYSTEME, campagne=campagne, region=None)
        if national:
            financement.doter(actor=SYSTEME, enveloppe=enveloppe, montant=national,
                              libelle=f"Crédits de l'appel national {code}")
