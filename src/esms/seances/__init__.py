"""Selection committees (séances de sélection): dossiers of one campaign and envelope decided together."""
