"""Référentiel: régions, départements, communes, catégories FINESS, organismes gestionnaires (EJ) et établissements (ET)."""
