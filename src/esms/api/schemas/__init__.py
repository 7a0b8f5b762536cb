"""Pydantic schemas of the API (inputs and outputs), one module per domain."""
