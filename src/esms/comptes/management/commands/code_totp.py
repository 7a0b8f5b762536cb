"""`esms code_totp USER`: print the current TOTP code of a demo account (DEBUG only, for `make demo`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Affiche le code TOTP courant d'un compte de démonstration (mode démonstration uniquement)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Commande réservée à la démonstration (ESMS_DEBUG=1).")
        device = TOTPDevice.objects.filter(user__username=username, name="Démonstration", confirmed=True).first()
        if device is None:
            raise CommandError(f"Aucun appareil TOTP de démonstration pour « {username} » : lancez « esms demo ».")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
