"""`esms demo`: load the demo data (campagnes, envelopes, accounts, dossiers) and print the logins."""

import base64

from django.core.management.base import BaseCommand

from esms.demo import DEMO_CODES_SECOURS, DEMO_PASSWORD, DEMO_TOTP_KEY, charger_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration et affiche les comptes."

    def handle(self, *args, **options):
        accounts = charger_demo(stdout=self.stdout)
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})\n")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.role.label:<40} {account.perimetre}")
        cle = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")
        self.stdout.write(
            "\nadmin.cnsa demande un second facteur (TOTP) : ajoutez la clé " + cle + " à une application"
            "\nd'authentification, ou affichez le code courant avec « esms code_totp admin.cnsa »,"
            "\nou utilisez un code de secours à usage unique : " + ", ".join(DEMO_CODES_SECOURS[:3]) + "…")
        self.stdout.write("\nOuvrez http://127.0.0.1:8000/ et connectez-vous avec l'un de ces comptes.\n")
