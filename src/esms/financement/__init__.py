"""Financement: envelopes per campagne and ARS (and national) as ledgers, conventions and payment orders."""
