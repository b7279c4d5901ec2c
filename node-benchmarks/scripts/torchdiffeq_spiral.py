"""Times the spiral benchmark (docs/REFERENCE figures; torchdiffeq's ode_demo protocol) with
torchdiffeq, the same-run reference of the `spiral` demo's s_per_iter:
    OMP_NUM_THREADS=1 /usr/bin/python3 node-benchmarks/scripts/torchdiffeq_spiral.py /path/to/torchdiffeq [iterations] [direct|adjoint]
True dynamics dy/dt = (y^3) A, A = [[-0.1, 2], [-2, -0.1]], y(0) = [2, 0], 1000 points on [0, 25]
from dopri5 (rtol 1e-7, atol 1e-9); batches of 20 random starts (without replacement from
0..989) over the first 10 times; model Linear(50->2)(tanh(Linear(2->50)(y^3))), weights
N(0, 0.1), biases 0; L1 loss; RMSprop lr 1e-3; dopri5 at rtol 1e-7, atol 1e-9; float32, one
thread. Prints s/iter (wall, process CPU) over all iterations, the first 100 and the rest, and
the forward evaluations per iteration. Written for this repository (no torchdiffeq code here).
"""
import sys
import time

root = sys.argv[1] if len(sys.argv) > 1 else '.'
iters = int(sys.argv[2]) if len(sys.argv) > 2 else 600
grad = sys.argv[3] if len(sys.argv) > 3 else 'direct'
sys.path.insert(0, root)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchdiffeq import odeint, odeint_adjoint  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)
solve = odeint_adjoint if grad == 'adjoint' else odeint

t = torch.linspace(0., 25., 1000)
A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])


class Truth(torch.nn.Module):
    def forward(self, t, y):
        return torch.mm(y ** 3, A)


with torch.no_grad():
    true_y = odeint(Truth(), torch.tensor([[2., 0.]]), t, method='dopri5', rtol=1e-7, atol=1e-9)


class Func(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 50), torch.nn.Tanh(), torch.nn.Linear(50, 2))
        for m in self.net.modules():
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.normal_(m.weight, mean=0, std=0.1)
                torch.nn.init.constant_(m.bias, val=0)
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        return self.net(y ** 3)


func = Func()
opt = torch.optim.RMSprop(func.parameters(), lr=1e-3)
wall = []
cpu = []
nfe = []
for it in range(iters):
    w0 = time.perf_counter()
    c0 = time.process_time()
    s = torch.from_numpy(np.random.choice(np.arange(1000 - 10, dtype=np.int64), 20, replace=False))
    y0 = true_y[s]
    bt = t[:10]
    by = torch.stack([true_y[s + i] for i in range(10)], dim=0)
    opt.zero_grad()
    func.nfe = 0
    kw = {'adjoint_params': tuple(func.parameters())} if grad == 'adjoint' else {}
    pred = solve(func, y0, bt, rtol=1e-7, atol=1e-9, method='dopri5', **kw)
    f = func.nfe
    loss = torch.mean(torch.abs(pred - by))
    loss.backward()
    opt.step()
    wall.append(time.perf_counter() - w0)
    cpu.append(time.process_time() - c0)
    nfe.append(f)
with torch.no_grad():
    full = odeint(func, true_y[0], t, rtol=1e-7, atol=1e-9, method='dopri5')
    l1 = torch.mean(torch.abs(full - true_y)).item()
k = min(100, iters)
print('torchdiffeq spiral %s, %d iterations: s/iter wall all %.5f first %d %.5f after %.5f; cpu all %.5f; '
      'forward nfe/iter %.1f; final full L1 %.4f' % (grad, iters, np.mean(wall), k, np.mean(wall[:k]),
                                                     np.mean(wall[k:]) if iters > k else float('nan'),
                                                     np.mean(cpu), np.mean(nfe), l1))
