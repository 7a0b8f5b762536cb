"""`esms preuves verifier [--sans-fichiers]`: check the whole hash-chained evidence log and that every
stored file still hashes to its SHA-256. Exits non-zero with the first broken link located."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from esms.usages.preuves import journal


class Command(BaseCommand):
    help = "Vérifie le journal chaîné des preuves et l'intégrité des fichiers stockés."

    def add_arguments(self, parser):
        sous = parser.add_subparsers(dest="action", required=True)
        verifier = sous.add_parser("verifier", help="vérifier la chaîne et les fichiers")
        verifier.add_argument("--sans-fichiers", action="store_true", help="ne pas re-hacher les fichiers stockés")

    def handle(self, *args, **options):
        resultat = journal.verifier(fichiers=not options["sans_fichiers"])
        if not resultat.intacte:
            raise CommandError(f"Journal des preuves altéré — {resultat.erreur}")
        self.stdout.write(self.style.SUCCESS(
            f"Journal des preuves intact : {resultat.nb_maillons} maillon(s), {resultat.nb_fichiers} fichier(s) vérifié(s). "
            f"Empreinte de tête : {resultat.tete}"))
