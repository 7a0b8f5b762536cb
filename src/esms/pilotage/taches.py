"""Background job of the dashboards: recompute one aggregate (queued by `pilotage.rafraichir.signaler`, run by
`esms db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def recalculer_agregat(*, agregat_id: int) -> bool:
    """Recompute aggregate `agregat_id` unless another worker holds it or it is already up to date."""
    from esms.pilotage import rafraichir

    return rafraichir.recalculer(agregat_id)
