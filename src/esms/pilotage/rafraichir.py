"""Keeping the precomputed aggregates (`pilotage.models.Agregat`) fresh, without ever computing one twice at once.

- `signaler(perimetres, campagnes)` — after a change (called on commit, see `pilotage.impacts`): the affected
  stored rows are marked stale (`version` + 1) and ONE recomputation task is queued per row, unless one is already
  queued (`planifie_le`) or running (the running one notices the new version and computes again).
- `recalculer(perimetre, campagne)` — what the task, `esms pilotage recalculer` and the demo builders run: take
  the row's lease (a conditional UPDATE, preceded on PostgreSQL by `select_for_update(skip_locked=True)`: a
  worker never waits for another), compute outside any transaction, store, release. The lease (`jeton`) is
  released only if no change arrived meanwhile; otherwise the same worker computes again. A lease older than
  `BAIL` (a worker that died) may be taken over.
- `lire(perimetre, campagne)` — what pages and the API do: one row read. Stale figures are shown as they are
  (the page says « mise à jour en cours ») and a task is queued if none is. A row never computed (first deploy, a
  campagne just created) is computed synchronously once, under the same lease; if another worker holds it, the
  page says the figures are being computed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from esms.pilotage import agregats
from esms.pilotage.models import NATIONAL, Agregat

BAIL = timedelta(minutes=15)  # a lease older than this belongs to a worker that died
PLANIFICATION_PERDUE = timedelta(hours=1)  # a queued task not started after this is considered lost
TOUTES = None  # every perimeter / every campagne filter


@dataclass(frozen=True)
class Lecture:
    """An aggregate as a page shows it: its figures (None while being computed for the first time) and freshness."""
    contenu: dict | None
    calcule_le: datetime | None
    a_jour: bool

    @property
    def en_cours(self) -> bool:
        return self.contenu is None


def perimetres() -> list[str]:
    from esms.referentiel.models import Region
    return [NATIONAL, *Region.objects.order_by("code").values_list("code", flat=True)]


def campagnes() -> list[str]:
    from esms.candidatures.models import Campagne
    return ["", *Campagne.objects.order_by("code").values_list("code", flat=True)]


def _region(perimetre: str) -> str | None:
    return None if perimetre == NATIONAL else perimetre


def _a_jour(row: Agregat) -> bool:
    return (row.contenu is not None and row.format == agregats.FORMAT and row.version_calculee == row.version
            and row.calcule_le is not None and timezone.localdate(row.calcule_le) == timezone.localdate())


# --- Invalidation -----------------------------------------------------------------------------------------

def signaler(*, perimetres_: Iterable[str] | None = TOUTES, campagnes_: Iterable[str] | None = TOUTES) -> int:
    """Marks the stored aggregates of these perimeters × campagne filters stale and queues one recomputation per
    row that has none queued or running. Returns the number of tasks queued. A row never stored is not created
    here: it is computed on its first reading, or by `recalculer_tout`."""
    cibles = Agregat.objects.all()
    if perimetres_ is not None:
        cibles = cibles.filter(perimetre__in=list(perimetres_))
    if campagnes_ is not None:
        cibles = cibles.filter(campagne__in=list(campagnes_))
    cibles.update(version=F("version") + 1)
    return sum(planifier(row.pk) for row in cibles.only("pk"))


def planifier(pk: int) -> bool:
    """Queues the recomputation of aggregate `pk` unless one is queued or running; True if queued."""
    from esms.pilotage.taches import recalculer_agregat

    maintenant = timezone.now()
    libre = (Q(planifie_le__isnull=True) | Q(planifie_le__lt=maintenant - PLANIFICATION_PERDUE)) & (
        Q(jeton="") | Q(en_cours_depuis__lt=maintenant - BAIL))
    if not Agregat.objects.filter(libre, pk=pk).update(planifie_le=maintenant):
        return False
    recalculer_agregat.enqueue(agregat_id=pk)
    return True


# --- Computation under a lease --------------------------------------------------------------------------

def _prendre_bail(pk: int) -> str | None:
    """The lease on row `pk` (a token), or None when another worker holds it."""
    jeton = str(uuid.uuid4())
    maintenant = timezone.now()
    with transaction.atomic():
        qs = Agregat.objects.filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked and not list(
                qs.select_for_update(skip_locked=True).values_list("pk", flat=True)):
            return None  # another worker is taking or releasing it right now
        pris = qs.filter(Q(jeton="") | Q(en_cours_depuis__lt=maintenant - BAIL)).update(
            jeton=jeton, en_cours_depuis=maintenant, planifie_le=None)
    return jeton if pris else None


def _calculer_et_stocker(row: Agregat, jeton: str, *, forcer: bool) -> bool:
    """Computes while holding the lease; True when stored and released (no change arrived meanwhile)."""
    if not forcer and _a_jour(row):
        return Agregat.objects.filter(pk=row.pk, jeton=jeton, version=row.version).update(
            jeton="", en_cours_depuis=None) == 1
    debut = time.perf_counter()
    contenu = agregats.calculer(region=_region(row.perimetre), campagne=row.campagne or None)
    valeurs = {"contenu": contenu, "format": agregats.FORMAT, "calcule_le": timezone.now(),
               "duree_ms": round(1000 * (time.perf_counter() - debut)), "version_calculee": row.version}
    if Agregat.objects.filter(pk=row.pk, jeton=jeton, version=row.version).update(
            **valeurs, jeton="", en_cours_depuis=None):
        return True
    Agregat.objects.filter(pk=row.pk, jeton=jeton).update(**valeurs)  # newer figures anyway; keep the lease
    return False


def recalculer(pk: int, *, forcer: bool = False) -> bool:
    """Recomputes aggregate `pk` unless another worker holds it (False then). Up to date rows are left as they are
    unless `forcer`. Computes again, under the same lease, while changes arrive during the computation."""
    jeton = _prendre_bail(pk)
    if jeton is None:
        return False
    try:
        for _ in range(5):
            if _calculer_et_stocker(Agregat.objects.get(pk=pk), jeton, forcer=forcer):
                return True
            forcer = True
        Agregat.objects.filter(pk=pk, jeton=jeton).update(jeton="", en_cours_depuis=None)
        planifier(pk)  # still changing: hand over to a queued task
        return True
    except BaseException:
        Agregat.objects.filter(pk=pk, jeton=jeton).update(jeton="", en_cours_depuis=None)
        raise


def recalculer_tout(*, perimetres_: list[str] | None = TOUTES, campagnes_: list[str] | None = TOUTES,
                    forcer: bool = True) -> list[Agregat]:
    """Every perimeter × campagne filter (or those given) computed now, rows created when missing: the command
    `esms pilotage recalculer` and the demo builders."""
    lignes = perimetres() if perimetres_ is None else perimetres_
    filtres = campagnes() if campagnes_ is None else campagnes_
    Agregat.objects.bulk_create([Agregat(perimetre=p, campagne=c) for p in lignes for c in filtres],
                                ignore_conflicts=True)
    rows = list(Agregat.objects.filter(perimetre__in=lignes, campagne__in=filtres).order_by("perimetre", "campagne"))
    for row in rows:
        recalculer(row.pk, forcer=forcer)
    return list(Agregat.objects.filter(pk__in=[r.pk for r in rows]).order_by("perimetre", "campagne"))


# --- Reading ---------------------------------------------------------------------------------------------

def lire(*, region: str | None, campagne: str | None) -> Lecture:
    """The aggregate of a perimeter already resolved by the permission layer (region None: national)."""
    perimetre, filtre = region or NATIONAL, campagne or ""
    row = Agregat.objects.filter(perimetre=perimetre, campagne=filtre).first()
    if row is None:
        row, _ = Agregat.objects.get_or_create(perimetre=perimetre, campagne=filtre)
    if row.contenu is None or row.format != agregats.FORMAT:
        recalculer(row.pk, forcer=True)  # first computation (or older structure): once, synchronously
        row.refresh_from_db()
        if row.contenu is None or row.format != agregats.FORMAT:
            return Lecture(contenu=None, calcule_le=None, a_jour=False)
    a_jour = _a_jour(row)
    perdue = timezone.now() - PLANIFICATION_PERDUE
    if not a_jour and not row.jeton and (row.planifie_le is None or row.planifie_le < perdue):
        planifier(row.pk)
    return Lecture(contenu=row.contenu, calcule_le=row.calcule_le, a_jour=a_jour)
