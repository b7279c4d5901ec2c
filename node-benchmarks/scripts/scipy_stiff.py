#!/usr/bin/env python3
"""scipy's Radau (and, with --all, BDF and LSODA) on StiffCvodeCompare's problems and tolerances, for
node-benchmarks/scripts/cvode_compare.sh. Needs scipy: run with Debian's /usr/bin/python3 after
`apt-get install python3-scipy`. Not part of the Maven build.

Time per solve: process CPU time of whole solve_ivp calls, the median of 5 batches of at least 0.3 s
each after one warm-up solve. Output, one tab-separated line per problem and tolerance:
  SCIPY <problem> <rtol> <atol> <ms/solve> <steps> <f evals> <mixed error> <digits>
with the same error measures as cvode_stiff.c and StiffCvodeCompare."""
import os
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "node-solvers", "scripts"))
from stiff_references import hires, orego, rober, vdp  # noqa: E402

# (key, f, y0, t1, reference end point) - the references of StiffProblemsTest / StiffProblems.java
PROBLEMS = [
    ("ROBER", rober, [1.0, 0.0, 0.0], 1e5, [0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828]),
    ("HIRES", hires, [1, 0, 0, 0, 0, 0, 0, 0.0057], 321.8122,
     [0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05, 0.0011756513432831447,
      0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325, 0.0028500016048142547]),
    ("VDP", vdp(1e-6), [2.0, -2.0 / 3], 2.0, [1.7061674345671218, -0.8928100197382782]),
    ("OREGO", orego, [1.0, 2.0, 3.0], 360.0, [1.0008148703185227, 1228.178521549886, 132.0554942846542]),
]
TOLERANCES = [(1e-6, 1e-10), (1e-8, 1e-12)]


def main():
    methods = ["Radau", "BDF", "LSODA"] if "--all" in sys.argv else ["Radau"]
    for key, f, y0, t1, ref in PROBLEMS:
        ref = np.array(ref)
        for rtol, atol in TOLERANCES:
            for method in methods:
                def solve():
                    return solve_ivp(f, (0.0, t1), y0, method=method, rtol=rtol, atol=atol)
                s = solve()
                reps, c0 = 0, time.process_time()
                while time.process_time() - c0 < 0.3:
                    solve()
                    reps += 1
                per = []
                for _ in range(5):
                    c0 = time.process_time()
                    for _ in range(reps):
                        s = solve()
                    per.append((time.process_time() - c0) / reps * 1e3)
                err = np.abs(s.y[:, -1] - ref)
                mixed = np.max(err / (atol / rtol + np.abs(ref)))
                digits = -np.log10(np.max(err / np.abs(ref)))
                tag = "SCIPY" if method == "Radau" else "SCIPY_" + method
                print(f"{tag}\t{key}\t{rtol:.0e}\t{atol:.0e}\t{sorted(per)[2]:.4f}\t{len(s.t) - 1}\t{s.nfev}\t"
                      f"{mixed:.2e}\t{digits:.1f}", flush=True)


if __name__ == "__main__":
    main()
