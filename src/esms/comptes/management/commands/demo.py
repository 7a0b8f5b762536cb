"""`esms demo`: create the demo accounts (and, as apps add them, demo data) and print the logins."""

from django.core.management.base import BaseCommand

from esms.comptes.demo import DEMO_PASSWORD, create_demo_accounts


class Command(BaseCommand):
    help = "Crée les comptes de démonstration et affiche leurs identifiants."

    def handle(self, *args, **options):
        accounts = create_demo_accounts()
        self.stdout.write("\nComptes de démonstration (mot de passe commun : %s)\n" % DEMO_PASSWORD)
        for account in accounts:
            self.stdout.write(f"  {account.username:<20} {account.role.label:<40} {account.perimetre}")
        self.stdout.write("\nOuvrez http://127.0.0.1:8000/ et connectez-vous avec l'un de ces comptes.\n")
