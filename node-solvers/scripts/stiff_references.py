#!/usr/bin/env python3
"""Reference end states of the stiff test problems used by node-solvers' StiffProblemsTest.

Run: python3 node-solvers/scripts/stiff_references.py   (needs scipy; not part of the Maven build)
Two independent solvers (scipy's Radau IIA and LSODA) at tight tolerances; the script prints both and
their largest mixed difference |a - b| / (1 + |b|) per problem.
"""
import numpy as np
from scipy.integrate import solve_ivp


def rober(t, y):
    a = -0.04 * y[0] + 1e4 * y[1] * y[2]
    c = 3e7 * y[1] * y[1]
    return [a, -a - c, c]


def hires(t, y):
    f = np.empty(8)
    f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007
    f[1] = 1.71 * y[0] - 8.75 * y[1]
    f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4]
    f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3]
    f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6]
    f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6]
    f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6]
    f[7] = -f[6]
    return f


def vdp(eps):
    return lambda t, y: [y[1], ((1 - y[0] ** 2) * y[1] - y[0]) / eps]


def orego(t, y):
    return [77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1])),
            (y[2] - (1 + y[0]) * y[1]) / 77.27,
            0.161 * (y[0] - y[2])]


def e5(t, y):
    a, b, c, m = 7.89e-10, 1.1e7, 1.13e9, 1e6
    return [-a * y[0] - b * y[0] * y[2],
            a * y[0] - m * c * y[1] * y[2],
            a * y[0] - b * y[0] * y[2] - m * c * y[1] * y[2] + c * y[3],
            b * y[0] * y[2] - c * y[3]]


PROBLEMS = [
    ("ROBER 1e5", rober, [1.0, 0.0, 0.0], 1e5, 1e-12, 1e-20),
    ("ROBER 1e11", rober, [1.0, 0.0, 0.0], 1e11, 1e-12, 1e-20),
    ("HIRES", hires, [1, 0, 0, 0, 0, 0, 0, 0.0057], 321.8122, 1e-12, 1e-16),
    ("VDP eps=1e-6", vdp(1e-6), [2.0, -2.0 / 3], 2.0, 1e-12, 1e-14),
    ("VDP eps=1e-12", vdp(1e-12), [2.0, -2.0 / 3], 2.0, 1e-12, 1e-14),
    ("OREGO", orego, [1.0, 2.0, 3.0], 360.0, 1e-12, 1e-14),
    # E5: LSODA only (scipy's Radau does not finish in minutes at this atol); the test compares it with
    # node-solvers' radau5 as the second solver
    ("E5 1e5", e5, [1.76e-3, 0.0, 0.0, 0.0], 1e5, 1e-12, 1e-30),
]

def main(only=None):
  for name, f, y0, t1, rtol, atol in PROBLEMS:
      if only and not name.startswith(only):
          continue
      out = []
      methods = ("LSODA",) if name.startswith("E5") else ("Radau", "LSODA")
      for method in methods:
          s = solve_ivp(f, (0.0, t1), y0, method=method, rtol=rtol, atol=atol)
          out.append(s.y[:, -1])
          print(f"{name:14s} {method:6s} success={s.success} nfev={s.nfev}", " ".join(repr(float(v)) for v in s.y[:, -1]))
      if len(out) < 2:
          continue
      a, b = out
      print(f"{name:14s} max mixed difference {np.max(np.abs(a - b) / (1 + np.abs(b))):.3e}")


if __name__ == "__main__":
    import sys
    main(sys.argv[1] if len(sys.argv) > 1 else None)
