"""Times torchdiffeq's examples/cnf.py training loop: the same-run reference of
dev.neuralode.benchmarks.workloads.CnfWorkload (node-benchmarks/README.md, "Workloads").

Imports the example's CNF and HyperNetwork modules from a torchdiffeq checkout (not part of this
build; matplotlib and PIL are stubbed, and sklearn's make_circles, absent here, is replaced by the
same construction: half the points evenly on the unit circle, half on the circle of radius
`factor`, shuffled, Gaussian noise) and runs its training loop at the script's defaults (512
samples, width 64, hidden dim 32, dopri5 rtol = atol = 1e-5 from t = 10 to 0, base N(0, 0.1 I),
Adam lr 1e-3), one thread, float32, timing every iteration:
    OMP_NUM_THREADS=1 /usr/bin/python3 node-benchmarks/scripts/torchdiffeq_cnf.py /path/to/torchdiffeq [iterations]
Prints s/iter (wall, process CPU) over all iterations, the first 30 and the rest, evaluations of
the dynamics per iteration (forward solve; torchdiffeq's odeint backpropagates through it) and
VmRSS at the end.
"""
import importlib.util
import os
import sys
import time
import types

root = sys.argv[1] if len(sys.argv) > 1 else '.'
iters = int(sys.argv[2]) if len(sys.argv) > 2 else 300
sys.path.insert(0, root)

import numpy as np  # noqa: E402


def make_circles(n_samples=100, noise=None, factor=.8):
    n_out = n_samples // 2
    n_in = n_samples - n_out
    a_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    a_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    x = np.vstack([np.append(np.cos(a_out), factor * np.cos(a_in)),
                   np.append(np.sin(a_out), factor * np.sin(a_in))]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    p = np.random.permutation(n_samples)
    x, y = x[p], y[p]
    if noise is not None:
        x += np.random.normal(scale=noise, size=x.shape)
    return x, y


for name in ('matplotlib', 'matplotlib.pyplot', 'PIL', 'PIL.Image', 'sklearn', 'sklearn.datasets'):
    stub = types.ModuleType(name)
    stub.use = lambda *a, **k: None
    sys.modules[name] = stub
sys.modules['matplotlib'].pyplot = sys.modules['matplotlib.pyplot']
sys.modules['PIL'].Image = sys.modules['PIL.Image']
sys.modules['sklearn'].datasets = sys.modules['sklearn.datasets']
sys.modules['sklearn.datasets'].make_circles = make_circles

import torch  # noqa: E402
from torchdiffeq import odeint  # noqa: E402

torch.set_num_threads(1)
sys.argv = [sys.argv[0]]  # the example parses its own flags at import
spec = importlib.util.spec_from_file_location('cnf', os.path.join(root, 'examples', 'cnf.py'))
ex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ex)

np.random.seed(0)
torch.manual_seed(0)
func = ex.CNF(in_out_dim=2, hidden_dim=32, width=64)
calls = [0]
inner = func.forward


def counted(t, states):
    calls[0] += 1
    return inner(t, states)


func.forward = counted
optimizer = torch.optim.Adam(func.parameters(), lr=1e-3)
p_z0 = torch.distributions.MultivariateNormal(loc=torch.tensor([0.0, 0.0]),
                                              covariance_matrix=torch.tensor([[0.1, 0.0], [0.0, 0.1]]))
wall, cpu, nfe = [], [], []
for itr in range(iters):
    w0, c0 = time.perf_counter(), time.process_time()
    calls[0] = 0
    optimizer.zero_grad()
    points, _ = make_circles(n_samples=512, noise=0.06, factor=0.5)
    x = torch.tensor(points).type(torch.float32)
    logp_diff_t1 = torch.zeros(512, 1).type(torch.float32)
    z_t, logp_diff_t = odeint(func, (x, logp_diff_t1), torch.tensor([10, 0]).type(torch.float32),
                              atol=1e-5, rtol=1e-5, method='dopri5')
    logp_x = p_z0.log_prob(z_t[-1]) - logp_diff_t[-1].view(-1)
    loss = -logp_x.mean(0)
    forward_nfe = calls[0]
    loss.backward()
    optimizer.step()
    wall.append(time.perf_counter() - w0)
    cpu.append(time.process_time() - c0)
    nfe.append(forward_nfe)
    if itr % 10 == 0 or itr == iters - 1:
        print(f'iter {itr + 1} loss {loss.item():.4f} nfe {forward_nfe} s {wall[-1]:.3f}', flush=True)

status = open('/proc/self/status').read().splitlines()
rss = [l for l in status if l.startswith('VmRSS')][0].split()[1]
hwm = [l for l in status if l.startswith('VmHWM')][0].split()[1]
w, c, n = np.array(wall), np.array(cpu), np.array(nfe)
print(f'torch {torch.__version__} threads {torch.get_num_threads()} float32 iterations {iters}')
print(f's/iter wall all {w.mean():.4f} first30 {w[:30].mean():.4f} after30 {w[30:].mean() if iters > 30 else float("nan"):.4f}')
print(f's/iter cpu  all {c.mean():.4f} first30 {c[:30].mean():.4f} after30 {c[30:].mean() if iters > 30 else float("nan"):.4f}')
print(f'forward nfe/iter mean {n.mean():.1f} first {n[0]} last {n[-1]} min {n.min()} max {n.max()}')
print(f'ms wall per forward evaluation all {1e3 * w.sum() / n.sum():.3f} first30 {1e3 * w[:30].sum() / n[:30].sum():.3f} '
      f'after30 {1e3 * w[30:].sum() / max(1, n[30:].sum()):.3f}')
print(f'VmRSS {int(rss) / 1024:.0f} MB VmHWM {int(hwm) / 1024:.0f} MB loadavg {os.getloadavg()}')
