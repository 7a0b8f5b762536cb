"""The API tests' token fixture, for the vendor routes tested here."""

from tests.api.conftest import jeton  # noqa: F401
