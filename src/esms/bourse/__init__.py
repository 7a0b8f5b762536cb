"""Bourse aux grappes: isolated establishments (needs) find a grappe open to newcomers (offers).

`esms.bourse.solveur` is pure Python (no Django, only `esms.rules`, the standard library and the
solvers): it computes proposals. The Django app (models, services, pages) lives beside it.
"""
