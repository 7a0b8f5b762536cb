"""A short-lived cache of the pages' content (figures, charts, maps), keyed by page, perimeter and filters.

The perimeter is part of the key and is resolved by the permission layer before the cache is read, so a
cached national page is never served to an ARS agent. Pages say when their figures were computed.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.utils import timezone

DUREE = 300  # seconds
VERSION = 1  # bump when the cached structure changes


def cle(page: str, **filtres: str | None) -> str:
    return f"esms:pilotage:v{VERSION}:{page}:" + urlencode(sorted((k, v or "") for k, v in filtres.items()))


def en_cache(page: str, calcul: Callable[[], dict], **filtres: str | None) -> dict:
    """The cached content of `page` for `filtres`, computed (and stored for DUREE seconds) when absent.
    The result carries `calcule_le`, the time of the computation."""
    cle_page = cle(page, **filtres)
    contenu = cache.get(cle_page)
    if contenu is None:
        contenu = {**calcul(), "calcule_le": timezone.now(), "duree_minutes": DUREE // 60}
        cache.set(cle_page, contenu, DUREE)
    return contenu
