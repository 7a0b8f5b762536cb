"""Pure decision functions of the programme, one module per decision.

Each function takes typed inputs and a resolved `Campagne`, does no I/O, and returns a `Verdict`
(ok, value, explanation trace of `Motif` entries naming the rule, parameters, values and sources).
"""
