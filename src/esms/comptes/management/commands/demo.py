"""`esms demo`: load the demo data (campagnes, envelopes, accounts, dossiers) and print the logins;
`esms demo --national [--echelle 1]`: the national-scale programme (src/esms/demo/national.py) on the loaded
référentiel. Both leave the dashboards' aggregates computed (`esms pilotage recalculer`)."""

import base64

from django.core.management.base import BaseCommand

from esms.demo import DEMO_CODES_SECOURS, DEMO_PASSWORD, DEMO_TOTP_KEY, charger_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration et affiche les comptes."

    def add_arguments(self, parser):
        parser.add_argument("--national", action="store_true",
                            help="Génère le programme national (≈ 1 400 dossiers, 21 000 ET financés) sur le référentiel chargé.")
        parser.add_argument("--echelle", type=float, default=1.0, help="Échelle du programme national (1 = national).")

    def handle(self, *args, **options):
        if options["national"]:
            self._national(options["echelle"])
            self._agregats()
            return
        accounts = charger_demo(stdout=self.stdout)
        self._agregats()
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})\n")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.role.label:<40} {account.perimetre}")
        cle = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")
        self.stdout.write(
            "\nadmin.cnsa demande un second facteur (TOTP) : ajoutez la clé " + cle + " à une application"
            "\nd'authentification, ou affichez le code courant avec « esms code_totp admin.cnsa »,"
            "\nou utilisez un code de secours à usage unique : " + ", ".join(DEMO_CODES_SECOURS[:3]) + "…")
        self.stdout.write("\nOuvrez http://127.0.0.1:8000/ et connectez-vous avec l'un de ces comptes.\n")

    def _agregats(self) -> None:
        """The dashboards' aggregates computed now: the pages answer at once (esms pilotage recalculer)."""
        import time

        from esms.pilotage.rafraichir import recalculer_tout

        debut = time.perf_counter()
        rows = recalculer_tout()
        self.stdout.write(f"Agrégats du pilotage : {len(rows)} calculés en {time.perf_counter() - debut:.0f} s.")

    def _national(self, echelle: float) -> None:
        import time

        from django.core.management.base import CommandError

        from esms.demo import national

        if not 0 < echelle <= 1:
            raise CommandError("--echelle doit être comprise entre 0 (exclu) et 1.")
        debut = time.perf_counter()
        try:
            bilan = national.generer(echelle=echelle, acteur=national.compte_auteur())
        except ValueError as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(f"Programme national (échelle {echelle:g}) généré en {time.perf_counter() - debut:.0f} s : "
                          + ", ".join(f"{cle} {valeur}" for cle, valeur in bilan.volumes.items()))
