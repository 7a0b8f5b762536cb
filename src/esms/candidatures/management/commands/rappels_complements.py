"""`esms rappels_complements`: send the reminders of complement requests that are due (cron safety net; the
task queue normally sends each one at its time)."""

from django.core.management.base import BaseCommand

from esms.candidatures.rappels import rappels_dus


class Command(BaseCommand):
    help = "Envoie les rappels des demandes de complément arrivées à échéance."

    def handle(self, *args, **options):
        self.stdout.write(f"{rappels_dus()} rappel(s) envoyé(s).")
