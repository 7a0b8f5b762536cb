"""`esms campagne charger CODE…|--toutes`: load shipped campagne parameters as dated versions;
`esms campagne lister`: list campagnes and their versions."""

from django.core.management.base import BaseCommand, CommandError

from esms import rules
from esms.candidatures import campagnes
from esms.candidatures.models import Campagne
from esms.comptes.permissions import SYSTEME
from esms.rules.erreurs import ErreursLocalisees


class Command(BaseCommand):
    help = "Charge les paramètres des campagnes livrés avec la plateforme, ou liste les campagnes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        charger = sub.add_parser("charger", help="charger une ou plusieurs campagnes (ex. 2024, 2021-1)")
        charger.add_argument("codes", nargs="*")
        charger.add_argument("--toutes", action="store_true", help="toutes les campagnes livrées")
        sub.add_parser("lister", help="lister les campagnes et leurs versions")

    def handle(self, *args, **options):
        if options["action"] == "lister":
            for campagne in Campagne.objects.prefetch_related("versions"):
                self.stdout.write(f"{campagne.code} – {campagne.libelle}")
                for v in campagne.versions.order_by("numero"):
                    self.stdout.write(f"    v{v.numero} en vigueur au {v.date_effet:%d/%m/%Y} ({v.get_source_display()}) {v.motif}")
            return
        codes = [r.code for r in rules.list_campagnes()] if options["toutes"] else options["codes"]
        if not codes:
            raise CommandError("Indiquez au moins un code de campagne (ex. 2024) ou --toutes.")
        for code in codes:
            try:
                versions = campagnes.charger(actor=SYSTEME, code=code)
            except ErreursLocalisees as exc:
                raise CommandError(f"Campagne {code} : " + " ; ".join(exc.erreurs)) from exc
            self.stdout.write(f"Campagne {code} : {len(versions)} version(s) créée(s).")
