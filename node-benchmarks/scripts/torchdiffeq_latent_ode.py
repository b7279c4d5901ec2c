"""Times torchdiffeq's examples/latent_ode.py training loop: the same-run reference of
dev.neuralode.benchmarks.workloads.LatentOdeWorkload (node-benchmarks/README.md, "Workloads").

Imports the example's data generator and modules from a torchdiffeq checkout (not part of this
build; matplotlib is stubbed, no figure is drawn) and runs its training loop unchanged in
substance (RNN encoder backwards over the observations, reparameterised z0, dopri5 at
torchdiffeq's defaults rtol 1e-7 atol 1e-9, Gaussian log-likelihood with noise 0.3 and the
analytic KL, Adam lr 0.01), one thread, float32, timing every iteration:
    OMP_NUM_THREADS=1 /usr/bin/python3 node-benchmarks/scripts/torchdiffeq_latent_ode.py /path/to/torchdiffeq [iterations] [float64]
(the optional third argument runs the model in float64, to compare training curves with the Java port)
Prints s/iter (wall, process CPU) over all iterations, the first 30 and the rest, forward
evaluations per iteration (the example's own func.nfe counter) and VmRSS at the end.
"""
import importlib.util
import os
import resource
import sys
import time
import types

root = sys.argv[1] if len(sys.argv) > 1 else '.'
iters = int(sys.argv[2]) if len(sys.argv) > 2 else 300
double = len(sys.argv) > 3 and sys.argv[3] == 'float64'
sys.path.insert(0, root)
for name in ('matplotlib', 'matplotlib.pyplot'):  # the example plots; not needed here
    stub = types.ModuleType(name)
    stub.use = lambda *a, **k: None
    sys.modules[name] = stub
sys.modules['matplotlib'].pyplot = sys.modules['matplotlib.pyplot']

import numpy as np  # noqa: E402
import numpy.random as npr  # noqa: E402
import torch  # noqa: E402
from torchdiffeq import odeint  # noqa: E402

torch.set_num_threads(1)
if double:
    torch.set_default_dtype(torch.float64)
sys.argv = [sys.argv[0]]  # the example parses its own flags at import
spec = importlib.util.spec_from_file_location('latent_ode', os.path.join(root, 'examples', 'latent_ode.py'))
ex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ex)

npr.seed(0)
torch.manual_seed(0)
latent_dim, nhidden, rnn_nhidden, obs_dim, nspiral = 4, 20, 25, 2, 1000
noise_std = .3
_, samp_trajs, _, samp_ts = ex.generate_spiral2d(nspiral=nspiral, start=0., stop=6 * np.pi,
                                                 noise_std=noise_std, a=0., b=.3, savefig=False)
samp_trajs = torch.from_numpy(samp_trajs).to(torch.get_default_dtype())
samp_ts = torch.from_numpy(samp_ts).to(torch.get_default_dtype())
func = ex.LatentODEfunc(latent_dim, nhidden)
rec = ex.RecognitionRNN(latent_dim, obs_dim, rnn_nhidden, nspiral)
dec = ex.Decoder(latent_dim, obs_dim, nhidden)
optimizer = torch.optim.Adam(list(func.parameters()) + list(dec.parameters()) + list(rec.parameters()), lr=0.01)

wall, cpu, nfe = [], [], []
for itr in range(iters):
    w0, c0 = time.perf_counter(), time.process_time()
    func.nfe = 0
    optimizer.zero_grad()
    h = rec.initHidden()
    for t in reversed(range(samp_trajs.size(1))):
        out, h = rec.forward(samp_trajs[:, t, :], h)
    qz0_mean, qz0_logvar = out[:, :latent_dim], out[:, latent_dim:]
    z0 = torch.randn(qz0_mean.size()) * torch.exp(.5 * qz0_logvar) + qz0_mean
    pred_x = dec(odeint(func, z0, samp_ts).permute(1, 0, 2))
    noise_logvar = 2. * torch.log(torch.zeros(pred_x.size()) + noise_std)
    logpx = ex.log_normal_pdf(samp_trajs, pred_x, noise_logvar).sum(-1).sum(-1)
    pz0 = torch.zeros(z0.size())
    loss = torch.mean(-logpx + ex.normal_kl(qz0_mean, qz0_logvar, pz0, pz0).sum(-1), dim=0)
    forward_nfe = func.nfe
    loss.backward()
    optimizer.step()
    wall.append(time.perf_counter() - w0)
    cpu.append(time.process_time() - c0)
    nfe.append(forward_nfe)
    if itr % 10 == 0 or itr == iters - 1:
        print(f'iter {itr + 1} loss {loss.item():.4f} nfe {forward_nfe} s {wall[-1]:.3f}', flush=True)

rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
w, c, n = np.array(wall), np.array(cpu), np.array(nfe)
print(f'torch {torch.__version__} threads {torch.get_num_threads()} {torch.get_default_dtype()} iterations {iters}')
print(f's/iter wall all {w.mean():.4f} first30 {w[:30].mean():.4f} after30 {w[30:].mean() if iters > 30 else float("nan"):.4f}')
print(f's/iter cpu  all {c.mean():.4f} first30 {c[:30].mean():.4f} after30 {c[30:].mean() if iters > 30 else float("nan"):.4f}')
print(f'forward nfe/iter mean {n.mean():.1f} first {n[0]} last {n[-1]} min {n.min()} max {n.max()}')
print(f'ms wall per forward evaluation all {1e3 * w.sum() / n.sum():.3f} first30 {1e3 * w[:30].sum() / n[:30].sum():.3f} '
      f'after30 {1e3 * w[30:].sum() / max(1, n[30:].sum()):.3f}')
print(f'VmRSS {int(rss) / 1024:.0f} MB VmHWM {int(hwm) / 1024:.0f} MB loadavg {os.getloadavg()}')
