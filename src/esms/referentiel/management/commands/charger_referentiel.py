"""`esms charger_referentiel [--dossier DIR]`: load regions, départements, communes and FINESS nomenclatures."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import ErreurReferentiel, nombre
from esms.referentiel.services import charger_referentiel


class Command(BaseCommand):
    help = "Charge la géographie (COG INSEE) et les nomenclatures FINESS (catégories, statuts juridiques)."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", help="dossier des fichiers de référence (défaut : les fichiers livrés avec la plateforme, src/esms/referentiel/donnees/)")

    def handle(self, *args, **options):
        try:
            comptes = charger_referentiel(actor=SYSTEME, dossier=options["dossier"])
        except ErreurReferentiel as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(
            f"Référentiel chargé : {nombre(comptes['regions'])} régions, {nombre(comptes['departements'])} "
            f"départements, {nombre(comptes['communes'])} communes, {nombre(comptes['categories'])} catégories "
            f"FINESS (dont {nombre(comptes['categories_eligibles'])} éligibles), "
            f"{nombre(comptes['statuts_juridiques'])} statuts juridiques."
        )
