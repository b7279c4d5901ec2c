/**
 * Probability distributions whose log-densities are tape expressions, for the losses and priors of
 * neural-ODE models (continuous normalizing flows, latent ODEs): {@link
 * dev.neuralode.models.distributions.Normal} (independent components, constant or learnable mean and
 * log standard deviation) and {@link dev.neuralode.models.distributions.MultivariateNormal} (a full
 * covariance through its Cholesky factor), behind {@link
 * dev.neuralode.models.distributions.Distribution}: {@code logProb} of a {@code batch × d} tensor,
 * {@code sample} of values and {@code rsample} of reparameterized, differentiable samples.
 */
package dev.neuralode.models.distributions;
