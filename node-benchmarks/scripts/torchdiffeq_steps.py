"""Step counts of torchdiffeq's dopri5 on the spiral problem (float64), the reference of
StepContractTest.dopri5TorchdiffeqTakesTorchdiffeqsSteps.

Run with Debian's python3-torch and a checkout of torchdiffeq (not part of this build):
    /usr/bin/python3 node-benchmarks/scripts/torchdiffeq_steps.py /path/to/torchdiffeq
Measured 2026-12-02 with torchdiffeq 657943a (PyTorch 1.13):
    rtol=1e-07 atol=1e-09 nfe=2450 accepted=329 rejected=79
    rtol=1e-05 atol=1e-07 nfe=938 accepted=130 rejected=26
    rtol=0.001 atol=1e-06 nfe=440 accepted=55 rejected=18
"""
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else '.')
import torch  # noqa: E402
from torchdiffeq import odeint  # noqa: E402

torch.set_default_dtype(torch.float64)
A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])


class Spiral(torch.nn.Module):
    """dy/dt = y^3 A, counting evaluations and steps through torchdiffeq's callbacks."""

    def __init__(self):
        super().__init__()
        self.nfe = self.accepted = self.rejected = 0

    def forward(self, t, y):
        self.nfe += 1
        return (y ** 3) @ A

    def callback_accept_step(self, t0, y0, dt):
        self.accepted += 1

    def callback_reject_step(self, t0, y0, dt):
        self.rejected += 1


for rtol, atol in ((1e-7, 1e-9), (1e-5, 1e-7), (1e-3, 1e-6)):
    f = Spiral()
    odeint(f, torch.tensor([[2.0, 0.0]]), torch.linspace(0, 25, 1000), rtol=rtol, atol=atol, method='dopri5')
    print(f"rtol={rtol} atol={atol} nfe={f.nfe} accepted={f.accepted} rejected={f.rejected}")
