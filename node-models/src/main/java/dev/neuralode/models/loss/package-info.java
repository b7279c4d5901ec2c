/**
 * Losses written with tensor ops: MSE, L1, cross-entropy, Gaussian negative log-likelihood, KL
 * divergences of diagonal Gaussians and the negative ELBO of latent models
 * ({@link dev.neuralode.models.loss.LossFunctions}).
 */
package dev.neuralode.models.loss;
