"""Routers of the API, one per domain; each declares the scope (portée) its routes need."""
