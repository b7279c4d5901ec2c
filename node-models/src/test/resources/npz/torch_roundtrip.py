"""Counterpart of TorchInteropTest: run by the Java test with the working directory as argument.

1. Loads java.npz (saved by Npz.save) into torch.nn.Sequential(Linear(2, 5), Tanh(), Linear(5, 3))
   with load_state_dict(strict=True): a (1, out) bias would be refused here, a 1-D one loads.
   Writes its float64 output on input.npz's "x" to torch_out.npz.
2. Makes a float32 model (torch.manual_seed(0), PyTorch's default init and dtype) wrapped in a
   module whose attribute is "net", so the keys are "net.0.weight", ...; saves its state_dict as
   float32 (torch_f32.npz) and as float64 copies of the same values (torch_f32_as_f64.npz), and its
   output, computed in float64 from those values, to torch_f32_out.npz.
"""
import sys
import numpy as np
import torch

d = sys.argv[1]
x = torch.from_numpy(np.load(d + "/input.npz")["x"])


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))


net = mlp().double()
state = {k: torch.from_numpy(v) for k, v in np.load(d + "/java.npz").items()}
net.load_state_dict(state, strict=True)
with torch.no_grad():
    np.savez(d + "/torch_out.npz", y=net(x).numpy())


class Wrapper(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = mlp()

    def forward(self, x):
        return self.net(x)


torch.manual_seed(0)
w = Wrapper()
sd = w.state_dict()
assert all(v.dtype == torch.float32 for v in sd.values())
np.savez(d + "/torch_f32.npz", **{k: v.numpy() for k, v in sd.items()})
np.savez(d + "/torch_f32_as_f64.npz", **{k: v.numpy().astype(np.float64) for k, v in sd.items()})
w = w.double()
with torch.no_grad():
    np.savez(d + "/torch_f32_out.npz", y=w(x).numpy())
print("torch", torch.__version__, "ok")
