/**
 * Runnable demos of the neural-ODE library: a picocli command line ({@link dev.neuralode.examples.Main},
 * command {@code node-examples}) with one subcommand per demo, PNG plots through XChart (headless)
 * and progress logging through slf4j with logback.
 *
 * <p>Demos: {@code euler} (Euler's method and the order of Runge–Kutta methods), {@code spiral}
 * (torchdiffeq's spiral benchmark, exactly), {@code resnet} (ResNet vs ODE network), {@code adjoint}
 * (backprop through the solver vs adjoint gradients), {@code anode} (augmented neural ODEs),
 * {@code latent} (latent ODE on irregular time series) and {@code cnf} (continuous normalizing
 * flow). Each returns a {@link dev.neuralode.examples.DemoResult} and prints its one-line summary.
 */
package dev.neuralode.examples;
