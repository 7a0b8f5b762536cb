"""`esms demo`: load the demo data (campagnes, envelopes, accounts, dossiers) and print the logins."""

from django.core.management.base import BaseCommand

from esms.demo import DEMO_PASSWORD, charger_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration et affiche les comptes."

    def handle(self, *args, **options):
        accounts = charger_demo(stdout=self.stdout)
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {DEMO_PASSWORD})\n")
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {account.role.label:<40} {account.perimetre}")
        self.stdout.write("\nOuvrez http://127.0.0.1:8000/ et connectez-vous avec l'un de ces comptes.\n")
