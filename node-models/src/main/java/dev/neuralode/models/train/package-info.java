/**
 * The training loop ({@link dev.neuralode.models.train.Trainer}) with per-iteration callbacks
 * ({@link dev.neuralode.models.train.IterationEvent}: loss, forward and backward function
 * evaluations, elapsed time), slf4j logging and
 * {@link dev.neuralode.models.train.EarlyStopping}.
 */
package dev.neuralode.models.train;
