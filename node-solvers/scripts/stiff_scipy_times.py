#!/usr/bin/env python3
"""scipy's Radau and LSODA on StiffWorkPrecision's problems and tolerances: digits at the end point and
median CPU time of 3 solves. Run: python3 node-solvers/scripts/stiff_scipy_times.py (needs scipy)."""
import time
import numpy as np
from scipy.integrate import solve_ivp
from stiff_references import rober, hires, vdp, orego

REF = {
    "ROBER [0, 1e5]": [0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828],
    "HIRES": [0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05, 0.0011756513432831447,
              0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325, 0.0028500016048142547],
    "VDP eps=1e-6": [1.7061674345671218, -0.8928100197382782],
    "OREGO": [1.0008148703185227, 1228.178521549886, 132.0554942846542],
}
PROBLEMS = [("ROBER [0, 1e5]", rober, [1.0, 0, 0], 1e5, 1e-6), ("HIRES", hires, [1, 0, 0, 0, 0, 0, 0, 0.0057], 321.8122, 1e-2),
            ("VDP eps=1e-6", vdp(1e-6), [2.0, -2.0 / 3], 2.0, 1e-2), ("OREGO", orego, [1.0, 2.0, 3.0], 360.0, 1e-2)]
print("| problem | scipy method | rtol | digits | f evals | CPU ms |")
print("|---|---|---|---|---|---|")
for name, f, y0, t1, af in PROBLEMS:
    for method in ("Radau", "LSODA"):
        for rtol in (1e-4, 1e-6, 1e-8):
            cpu = []
            for _ in range(3):
                c0 = time.process_time()
                s = solve_ivp(f, (0.0, t1), y0, method=method, rtol=rtol, atol=rtol * af)
                cpu.append((time.process_time() - c0) * 1e3)
            ref = np.array(REF[name])
            digits = -np.log10(np.max(np.abs(s.y[:, -1] - ref) / np.abs(ref)))
            print(f"| {name} | {method} | {rtol:.0e} | {digits:.1f} | {s.nfev} | {sorted(cpu)[1]:.1f} |")
