"""Plateforme ESMS numérique : référentiel FINESS, grappes, candidatures, instruction, financement, usages, pilotage."""
