/**
 * Optimizers with PyTorch's update rules and defaults ({@link dev.neuralode.models.optim.Sgd}
 * with momentum and Nesterov, {@link dev.neuralode.models.optim.Adam},
 * {@link dev.neuralode.models.optim.AdamW}, {@link dev.neuralode.models.optim.RmsProp}),
 * learning-rate schedules ({@link dev.neuralode.models.optim.LrSchedule}: step, exponential,
 * cosine) applied by {@link dev.neuralode.models.optim.LrScheduler}, and gradient clipping
 * ({@link dev.neuralode.models.optim.GradClip}).
 */
package dev.neuralode.models.optim;
