"""Candidatures: campagnes and their dated parameter versions, grappes, dossiers and their instruction."""
