"""A small 0-1 linear model and the two solvers that can solve it: OR-Tools CP-SAT and HiGHS.

Both receive exactly the same model (binary variables, integer coefficients, `lo ≤ a·x ≤ hi` rows, a linear
objective) so that they can be compared by measurement (`benchmarks/bourse.py --moteur`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

INFINI = float("inf")
MOTEURS = ("cpsat", "highs")


@dataclass
class ModeleLineaire:
    nb_variables: int = 0
    lignes: list[tuple[list[int], list[int], float, float]] = field(default_factory=list)

    def variable(self) -> int:
        self.nb_variables += 1
        return self.nb_variables - 1

    def contrainte(self, indices: Sequence[int], coefficients: Sequence[int], lo: float, hi: float) -> None:
        self.lignes.append((list(indices), list(coefficients), lo, hi))


@dataclass(frozen=True, slots=True)
class Solution:
    valeurs: list[int]
    objectif: float
    borne: float
    optimal: bool


def resoudre(
    modele: ModeleLineaire,
    objectif: dict[int, int],
    maximiser: bool,
    moteur: str,
    limite_s: float,
    indice: Mapping[int, int] | None = None,
) -> Solution | None:
    """Solve; None when no solution was found within the time limit. `indice`: a (partial) starting
    solution, variable → value, given to the solver as a hint (CP-SAT) or a start to complete (HiGHS)."""
    if moteur == "cpsat":
        return _cpsat(modele, objectif, maximiser, limite_s, indice)
    if moteur == "highs":
        return _highs(modele, objectif, maximiser, limite_s, indice)
    raise ValueError(f"moteur inconnu : {moteur} (possibles : {', '.join(MOTEURS)})")


def _cpsat(
    modele: ModeleLineaire,
    objectif: dict[int, int],
    maximiser: bool,
    limite_s: float,
    indice: Mapping[int, int] | None,
) -> Solution | None:
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(modele.nb_variables)]
    for indices, coefficients, lo, hi in modele.lignes:
        expression = sum(c * x[i] for i, c in zip(indices, coefficients, strict=True))
        if lo == hi:
            m.add(expression == int(lo))
        else:
            if lo != -INFINI:
                m.add(expression >= int(lo))
            if hi != INFINI:
                m.add(expression <= int(hi))
    expression = sum(c * x[i] for i, c in objectif.items())
    if maximiser:
        m.maximize(expression)
    else:
        m.minimize(expression)
    if indice is not None:
        for variable, valeur in indice.items():
            m.add_hint(x[variable], valeur)
    solveur = cp_model.CpSolver()
    solveur.parameters.max_time_in_seconds = max(0.1, limite_s)
    solveur.parameters.num_workers = 2
    statut = solveur.solve(m)
    if statut not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Solution(
        [int(solveur.boolean_value(v)) for v in x],
        solveur.objective_value,
        solveur.best_objective_bound,
        statut == cp_model.OPTIMAL,
    )


def _highs(
    modele: ModeleLineaire,
    objectif: dict[int, int],
    maximiser: bool,
    limite_s: float,
    indice: Mapping[int, int] | None,
) -> Solution | None:
    import highspy
    import numpy as np

    # The core class: the public `highspy.Highs` wrapper prints a licence banner on stdout when built,
    # which would corrupt the CLI's JSON output.
    debut = time.monotonic()
    h = highspy._core._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(0.1, limite_s))
    h.setOptionValue("threads", 2)
    n = modele.nb_variables
    couts = np.zeros(n)
    for i, c in objectif.items():
        couts[i] = c
    h.addCols(n, couts, np.zeros(n), np.ones(n), 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    if modele.lignes:
        debuts: list[int] = []
        indices: list[int] = []
        valeurs: list[int] = []
        bas: list[float] = []
        hauts: list[float] = []
        for lignes_indices, coefficients, lo, hi in modele.lignes:
            debuts.append(len(indices))
            indices.extend(lignes_indices)
            valeurs.extend(coefficients)
            bas.append(-highspy.kHighsInf if lo == -INFINI else lo)
            hauts.append(highspy.kHighsInf if hi == INFINI else hi)
        h.addRows(
            len(modele.lignes),
            np.array(bas, dtype=np.float64),
            np.array(hauts, dtype=np.float64),
            len(indices),
            np.array(debuts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(valeurs, dtype=np.float64),
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximiser else highspy.ObjSense.kMinimize)
    if indice:
        h.setSolution(
            len(indice),
            np.array(list(indice), dtype=np.int32),
            np.array(list(indice.values()), dtype=np.float64),
        )
    h.run()
    statut = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    valeurs = [int(round(v)) for v in h.getSolution().col_value]
    if indice and abs(sum(c * valeurs[i] for i, c in objectif.items()) - info.objective_function_value) > 0.5:
        # HiGHS 1.16 may hand back the partial start given to `setSolution` (completed) instead of the solution
        # whose objective it reports (found by the 40-need property test): solve again without the start.
        return _highs(modele, objectif, maximiser, limite_s - (time.monotonic() - debut), None)
    return Solution(
        valeurs,
        info.objective_function_value,
        info.mip_dual_bound,
        statut == highspy.HighsModelStatus.kOptimal,
    )
