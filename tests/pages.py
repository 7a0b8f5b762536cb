"""Reading rendered pages in tests: French number formatting uses narrow and non-breaking spaces."""

from __future__ import annotations


def texte(response) -> str:
    """The response body with every thin or non-breaking space turned into a plain space."""
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
