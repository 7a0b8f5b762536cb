"""Refusals of candidature operations: aliases of the one refusal type (`esms.refus.Refus`)."""

from __future__ import annotations

from esms.refus import Refus


class CandidatureRefusee(Refus):
    """An operation on a grappe or dossier is refused; `messages` lists every reason, in French."""
