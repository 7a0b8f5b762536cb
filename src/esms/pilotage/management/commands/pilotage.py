"""`esms pilotage recalculer [--perimetre national|CODE] [--campagne CODE]`: compute the dashboards' aggregates now
(every perimeter × campagne filter by default; run it after a deployment); `esms pilotage lister`: each aggregate,
when it was computed, in how long, and whether it is up to date."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from esms.pilotage import rafraichir
from esms.pilotage.models import Agregat


class Command(BaseCommand):
    help = "Recalcule les agrégats des tableaux de bord, ou les liste."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recalculer = sub.add_parser("recalculer", help="recalculer les agrégats (tous par défaut)")
        recalculer.add_argument("--perimetre", help="« national » ou le code INSEE d'une région")
        recalculer.add_argument("--campagne", help="code de campagne (« toutes » : sans filtre de campagne)")
        sub.add_parser("lister", help="lister les agrégats et leur fraîcheur")

    def handle(self, *args, **options):
        if options["action"] == "lister":
            for row in Agregat.objects.order_by("perimetre", "campagne"):
                etat = "à jour" if rafraichir._a_jour(row) else "à recalculer"
                quand = f"{timezone.localtime(row.calcule_le):%d/%m/%Y %H:%M}" if row.calcule_le else "jamais"
                self.stdout.write(f"{row.perimetre:<9} {row.campagne or 'toutes':<8} {quand:<17} "
                                  f"{row.duree_ms if row.duree_ms is not None else '—':>6} ms  {etat}")
            return
        debut = time.perf_counter()
        perimetre, campagne = options.get("perimetre"), options.get("campagne")
        if perimetre or campagne:
            perimetres = [perimetre] if perimetre else rafraichir.perimetres()
            campagnes = [("" if campagne == "toutes" else campagne)] if campagne else rafraichir.campagnes()
            inconnus = [p for p in perimetres if p not in rafraichir.perimetres()] + [
                c for c in campagnes if c not in rafraichir.campagnes()]
            if inconnus:
                raise CommandError("Périmètre ou campagne inconnu : " + ", ".join(inconnus))
            rows = rafraichir.recalculer_tout(perimetres_=perimetres, campagnes_=campagnes)
        else:
            rows = rafraichir.recalculer_tout()
        self.stdout.write(f"{len(rows)} agrégat(s) recalculé(s) en {time.perf_counter() - debut:.1f} s "
                          f"(le plus long : {max((r.duree_ms or 0 for r in rows), default=0)} ms).")
