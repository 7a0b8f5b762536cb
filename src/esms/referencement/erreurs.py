"""The refusal of a register or SONS change: French messages, each located (file, line, column)."""

from __future__ import annotations


class ImportRefuse(Exception):
    def __init__(self, messages: str | list[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


class CommandeHorsPerimetre(ImportRefuse):
    """A vendor acting on another vendor's solution or on an establishment that did not authorise it."""
