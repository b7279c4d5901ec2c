/**
 * Continuous-depth models built on differentiable ODE solves (node-adjoint):
 * {@link dev.neuralode.models.ode.OdeFunction} (dynamics as a module),
 * {@link dev.neuralode.models.ode.OdeBlock} (function + interval + solver options + gradient
 * method), and the model zoo: {@link dev.neuralode.models.ode.NeuralOde} (encoder → ODE block →
 * decoder; Chen et al., NeurIPS 2018), {@link dev.neuralode.models.ode.AugmentedNeuralOde}
 * (Dupont et al., NeurIPS 2019), {@link dev.neuralode.models.ode.LatentOde} with RNN and ODE-RNN
 * encoders for irregularly sampled series (Rubanova et al., NeurIPS 2019),
 * {@link dev.neuralode.models.ode.ContinuousNormalizingFlow} with exact and Hutchinson traces
 * (FFJORD, Grathwohl et al., ICLR 2019) and {@link dev.neuralode.models.ode.SecondOrderNeuralOde}.
 */
package dev.neuralode.models.ode;
