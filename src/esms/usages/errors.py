"""Refusals of usage operations, with French messages located in the file when there is one."""

from __future__ import annotations


class UsageRefuse(Exception):
    """An indicator report, an evidence file or a validation is refused; `messages` lists every reason."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


class PreuveInvalide(UsageRefuse):
    """An evidence file is refused (format, columns, dates, establishments, period, identifiers)."""


class IdentifiantsDirects(PreuveInvalide):
    """The evidence file seems to hold direct identifiers (NIR, INS, names, birth dates)."""
