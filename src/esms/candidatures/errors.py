"""Refusals of candidature operations, with French messages (possibly several)."""

from __future__ import annotations


class CandidatureRefusee(Exception):
    """An operation on a grappe or dossier is refused; `messages` lists every reason, in French."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))
