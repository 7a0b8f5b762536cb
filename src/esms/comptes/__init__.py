"""Comptes: users and their roles and scopes, the single permission layer, and the audit trail."""
