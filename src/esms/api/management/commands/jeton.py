"""`esms jeton creer USERNAME --portee referentiel:lire [--portee …] [--nom …] [--expire-dans JOURS]` prints a
new API token (shown once); `esms jeton revoquer PREFIXE` revokes one. Both are audited as system actions."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from esms.api import services
from esms.api.models import JetonAPI
from esms.api.portees import PORTEES
from esms.comptes.models import User
from esms.comptes.permissions import SYSTEME


class Command(BaseCommand):
    help = "Crée ou révoque un jeton d'API (le jeton créé n'est affiché qu'une fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        creer = actions.add_parser("creer", help="Créer un jeton pour un compte.")
        creer.add_argument("username", help="Identifiant du compte.")
        creer.add_argument("--portee", action="append", required=True, choices=sorted(PORTEES),
                           help="Portée du jeton (répétable).")
        creer.add_argument("--nom", default="Jeton créé en ligne de commande", help="Nom du jeton.")
        creer.add_argument("--expire-dans", type=int, default=None, metavar="JOURS",
                           help="Durée de validité en jours (par défaut : sans expiration).")
        revoquer = actions.add_parser("revoquer", help="Révoquer un jeton par son préfixe.")
        revoquer.add_argument("prefixe", help="Préfixe du jeton (les caractères après « esms_ »).")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "creer":
                self._creer(options)
            else:
                self._revoquer(options["prefixe"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _creer(self, options) -> None:
        utilisateur = User.objects.filter(username=options["username"]).first()
        if utilisateur is None:
            raise CommandError(f"Aucun compte « {options['username']} ».")
        jours = options["expire_dans"]
        if jours is not None and jours < 1:
            raise CommandError("--expire-dans doit être un nombre de jours positif.")
        expire_le = timezone.now() + timedelta(days=jours) if jours else None
        jeton, chaine = services.creer_jeton(actor=SYSTEME, utilisateur=utilisateur, nom=options["nom"],
                                             portees=options["portee"], expire_le=expire_le)
        self.stderr.write(f"Jeton « {jeton.nom} » créé pour {utilisateur.username} "
                          f"(portées : {', '.join(jeton.portees)}). Conservez-le : il ne sera plus affiché.")
        self.stdout.write(chaine)

    def _revoquer(self, prefixe: str) -> None:
        jeton = JetonAPI.objects.filter(prefixe=prefixe.removeprefix("esms_").rstrip("_…")).first()
        if jeton is None:
            raise CommandError(f"Aucun jeton de préfixe « {prefixe} ».")
        services.revoquer_jeton(actor=SYSTEME, jeton=jeton)
        self.stdout.write(f"Jeton « {jeton.nom} » ({jeton.affichage}) révoqué.")
