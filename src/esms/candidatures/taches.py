"""Background jobs of candidatures: the reminder of a complement request (see esms.candidatures.rappels)."""

from __future__ import annotations

from django_tasks import task

from esms.candidatures import rappels


@task()
def rappeler_complement(*, dossier_id: int, attendu_le: str) -> bool:
    return rappels.rappeler(dossier_id=dossier_id, attendu_le=attendu_le)
