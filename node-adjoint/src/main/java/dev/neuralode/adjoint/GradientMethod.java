package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.solvers.SolverOptions;

/**
 * How the gradient of an ODE solve is computed: the contract every gradient method implements,
 * and the factories of the built-in ones.
 *
 * <p>Let {@code y(t)} solve {@code dy/dt = f(t, y, θ)}, {@code y(t_0) = y0}, observed at the
 * output times {@code t_0, ..., t_{m-1}} (strictly monotone), and let {@code g_i = dL/dy(t_i)} be
 * the cotangents arriving from the rest of the tape. A gradient method returns
 * {@code dL/dy0}, {@code dL/dθ} and {@code dL/dt_i}. The continuous adjoint methods integrate,
 * backwards from {@code t_{m-1}} to {@code t_0} (Chen, Rubanova, Bettencourt, Duvenaud,
 * <i>Neural Ordinary Differential Equations</i>, NeurIPS 2018):
 * <pre>
 *   da/dt  = -a(t)ᵀ ∂f/∂y        a(t_{m-1}) = g_{m-1},   a jumps by +g_i at each t_i
 *   daθ/dt = -a(t)ᵀ ∂f/∂θ        aθ(t_{m-1}) = 0,         dL/dθ  = aθ(t_0)
 *   dat/dt = -a(t)ᵀ ∂f/∂t        at(t_{m-1}) = -g_{m-1}·f(t_{m-1}),  at jumps by -g_i·f(t_i)
 * </pre>
 * so that {@code dL/dy0 = a(t_0)} (plus {@code g_0}), {@code dL/dt_0 = at(t_0)} and
 * {@code dL/dt_i = g_iᵀ f(t_i, y(t_i))} for {@code i >= 1}.
 *
 * <p>The built-in methods:
 * <ul>
 *   <li>{@link #direct()}: backpropagation through the solver's own arithmetic (discretise then
 *       optimise); exact for the computation performed; memory grows with the number of steps;</li>
 *   <li>{@link #adjoint()}: the backsolve adjoint, integrating {@code [y, a, aθ, at]} backwards;
 *       constant memory in the number of steps, but the state is reconstructed backwards in time,
 *       which is unstable for dissipative dynamics;</li>
 *   <li>{@link #checkpointed()}: the checkpointed adjoint: the state is never integrated
 *       backwards, it is re-solved forwards from checkpoints (in the spirit of Zhuang et al.,
 *       <i>Adaptive Checkpoint Adjoint</i>, ICML 2020); memory grows with the number of
 *       checkpoints.</li>
 * </ul>
 *
 * <p><b>Adding a method.</b> Implement {@link #forward}: solve forwards and return a
 * {@link ForwardPass} holding whatever the backward pass needs (every type in this contract is
 * public, so a method can live in any package). The contract tests are published as
 * node-adjoint's test-jar: {@code dev.neuralode.adjoint.testkit.GradientMethodContract.checkAll(method)}
 * checks any implementation against finite differences of the whole solve, the closed-form
 * gradients of {@code dy/dt = A y}, the plain solver's states and a reference method.
 *
 * <p>Implementations are immutable and may be shared between threads; the {@link ForwardPass}
 * they return belongs to one solve.
 */
public interface GradientMethod {

    /**
     * A short name for messages and tables, such as {@code "adjoint"}.
     *
     * @return the name
     */
    String name();

    /**
     * Solves forwards and keeps what the backward pass needs.
     *
     * @param system  the differentiable system, dimension {@code n}, {@code p} parameters
     * @param y0      the initial state, length {@code n}. Not modified.
     * @param times   the output times, length {@code m >= 2}, strictly monotone. Not modified.
     * @param options the forward solver's options
     * @param keep    false when no backward pass can follow (nothing on the tape requires a
     *                gradient); the method may then keep nothing
     * @return the forward pass: its states and, later, its backward pass
     * @throws dev.neuralode.core.OdeSolveException if the solve fails; the message says it was
     *                                              the forward pass
     */
    ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                        SolverOptions options, boolean keep);

    /**
     * Solves forwards like {@link #forward(DifferentiableOdeSystem, double[], double[], SolverOptions,
     * boolean)} and writes the states at {@code times} row-major into {@code into}. The ODE-solve op
     * calls this with its output value, an array from the tape's arena, so that the forward pass
     * allocates and copies no output states; the returned pass's {@link ForwardPass#states()} may be
     * {@code into} itself, which the caller then must not modify while the pass lives. The default
     * runs the five-argument method and copies its states; the built-in methods solve into
     * {@code into} directly.
     *
     * @param system  the differentiable system, dimension {@code n}
     * @param y0      the initial state, length {@code n}. Not modified.
     * @param times   the output times, length {@code m >= 2}, strictly monotone. Not modified.
     * @param options the forward solver's options
     * @param keep    false when no backward pass can follow
     * @param into    receives the {@code m × n} states, length at least {@code m·n}. Modified.
     * @return the forward pass
     * @throws dev.neuralode.core.OdeSolveException if the solve fails
     */
    default ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                                SolverOptions options, boolean keep, double[] into) {
        ForwardPass pass = forward(system, y0, times, options, keep);
        int length = times.length * system.dimension();
        double[] states = pass.states();
        if (states.length < length) {
            throw new IllegalStateException(name() + ": the forward pass returned " + states.length
                    + " state values for " + times.length + " times x " + system.dimension() + " components");
        }
        System.arraycopy(states, 0, into, 0, length);
        return pass;
    }

    /**
     * Backpropagation through the solver: the exact gradient of the discrete computation the
     * solver performed, for an explicit Runge–Kutta method (a
     * {@link dev.neuralode.solvers.explicit.ButcherTableau}, built-in or the user's own). The forward
     * pass is the plain solve (same steps, same evaluations) with a
     * {@link dev.neuralode.solvers.step.StepTrace} of the accepted steps (start state and time, size,
     * end time, whether the step was clipped to a breakpoint or starts after a jump time, and the
     * evaluation ordinal of each stage); the backward pass runs the reverse sweep of each step,
     * stage by stage, with the tableau's coefficients and stage times
     * ({@link dev.neuralode.solvers.explicit.ButcherTableau#stageTime}), using the system's
     * vector–Jacobian products. Step sizes are treated as constants, as Diffrax does, except that a
     * step the solver clipped onto a breakpoint (the last output time, {@code stepTimes},
     * {@code jumpTimes}) has size {@code t_break - t}: the steps up to the first clipped one move
     * with {@code t_0}, the last step ends on {@code t_{m-1}}, and interior output times enter
     * through the interpolant, so the time gradients are those of the arithmetic performed (exact
     * for fixed steps), but the dependence of the step-size controller's choices on the state is
     * ignored. Outputs between step boundaries come from the tableau's own
     * {@link dev.neuralode.solvers.explicit.ContinuousExtension}
     * {@code y(t + θh) = y + h Σ_j w_j(θ) K_j} (cubic Hermite, the dopri5 and tsit5 order-4
     * extensions, DOP853's order-7 dense output, or a user tableau's own), which is linear in the
     * step's start state and the extended stages and is differentiated with them.
     * Memory: the step trace (one state and a few numbers per accepted step), plus the forward
     * evaluations kept as {@link dev.neuralode.core.Linearization}s up to a thirty-second of the
     * maximum heap (between 8 MiB and 1 GiB; 188 MiB with a 6 GB default heap). Each kept evaluation
     * saves one evaluation of the dynamics in the backward pass, and its arrays come from the tape
     * arena and are reused by the next iteration, so holding them costs resident memory, not
     * garbage: a latent ODE at batch 1000 (a 4-20-20-4 network, about 0.7 MB per recorded
     * evaluation) keeps all of its ~100–270 evaluations and its backward pass runs only their
     * vector–Jacobian products (backward evaluations 202 → 106 per iteration against an 8 MiB
     * budget, 18 % less CPU time). Pick a budget with {@link #direct(long)}: about
     * {@code forward evaluations × bytes per evaluation} to keep all of them, less to cap the memory
     * (the rest is recomputed from the step trace), 0 for the step trace only.
     *
     * <p>A method that is not a Butcher tableau is refused by {@link #forward} with an
     * {@link IllegalArgumentException} naming it, before any work: use {@link #adjoint()} or
     * {@link #checkpointed()} for it.
     *
     * @return the method
     */
    static GradientMethod direct() {
        return new DirectGradient(DirectGradient.DEFAULT_RECORD_BYTES);
    }

    /**
     * Backpropagation through the solver (see {@link #direct()}) keeping the forward solve's
     * evaluations as long as they fit in {@code recordBytes} of heap: each is a
     * {@link dev.neuralode.core.DifferentiableOdeSystem#linearize} call (for a {@link Dynamics}, its
     * recorded tape; the size of one recording is the heap its first evaluation allocated, with a
     * copy of its value), kept by its evaluation ordinal. The backward pass finds a step's stages by
     * their ordinals in the step trace and only takes their vector–Jacobian products (one evaluation
     * of the dynamics saved per stage); evaluations no accepted step uses (rejected attempts, the
     * initial-step heuristic's) are released right after the forward solve, each step's as soon as
     * its reverse sweep is done; the stages of later steps are recomputed from the traced
     * step-start state. 0 keeps only the step trace.
     *
     * @param recordBytes the heap budget of recorded evaluations in bytes, at least 0
     * @return the method
     * @throws IllegalArgumentException if {@code recordBytes < 0}
     */
    static GradientMethod direct(long recordBytes) {
        return new DirectGradient(recordBytes);
    }

    /**
     * The backsolve adjoint (Chen et al. 2018) with the forward solve's options for the backward
     * pass, the full (not semi-) norm and the default reconstruction check
     * ({@link AdjointOptions#DEFAULT_MAX_RECONSTRUCTION_ERROR}).
     *
     * @return the method
     * @see #adjoint(AdjointOptions)
     */
    static GradientMethod adjoint() {
        return new BacksolveAdjoint(AdjointOptions.defaults());
    }

    /**
     * The backsolve adjoint (Chen et al. 2018): the augmented state {@code [y, a, aθ, at]}
     * (length {@code 2n + p + 1}) is integrated backwards between consecutive output times with
     * {@code dy/dt = f} and the three adjoint equations above; at each output time {@code t_i}
     * the state part is reset to the forward solution and {@code g_i} is added to {@code a}.
     * Memory does not grow with the number of steps. With {@link AdjointOptions#seminorm()} the
     * error norm covers only {@code [y, a]} (Kidger, Chen, Lyons, <i>"Hey, that's not an ODE":
     * Faster ODE Adjoints via Seminorms</i>, ICML 2021), which usually saves backward steps.
     *
     * <p>At every output time the state reconstructed backwards is compared with the forward
     * solution; a relative reconstruction error above {@link AdjointOptions#maxReconstructionError()}
     * (default 0.01 of the state's magnitude; {@link BackwardResult#relativeReconstructionError()})
     * fails the backward pass with a {@link ReconstructionErrorException} naming the error, the
     * threshold and {@link #checkpointed()}, instead of returning a wrong gradient.
     *
     * @param options the backward solve's settings
     * @return the method
     */
    static GradientMethod adjoint(AdjointOptions options) {
        return new BacksolveAdjoint(options);
    }

    /**
     * The checkpointed adjoint with a checkpoint every 64 accepted forward steps and default
     * adjoint options.
     *
     * @return the method
     * @see #checkpointed(int, AdjointOptions)
     */
    static GradientMethod checkpointed() {
        return new CheckpointedAdjoint(64, AdjointOptions.defaults());
    }

    /**
     * The checkpointed adjoint with a checkpoint every {@code stepsPerCheckpoint} accepted steps.
     *
     * @param stepsPerCheckpoint accepted forward steps between checkpoints, at least 1
     * @return the method
     * @see #checkpointed(int, AdjointOptions)
     */
    static GradientMethod checkpointed(int stepsPerCheckpoint) {
        return new CheckpointedAdjoint(stepsPerCheckpoint, AdjointOptions.defaults());
    }

    /**
     * The checkpointed adjoint. The forward pass keeps the state at every output time and after
     * every {@code stepsPerCheckpoint}-th accepted step. The backward pass visits the segments
     * between consecutive checkpoints from last to first; for each it re-solves the state
     * forwards from the checkpoint with dense output (the forward options), then integrates
     * {@code [a, aθ, at]} (length {@code n + p + 1}) backwards over the segment with the adjoint
     * options, reading {@code y(t)} from that interpolant. The state is never integrated
     * backwards, so this stays accurate where the backsolve adjoint does not (dissipative
     * dynamics). Memory: the checkpoints plus one re-solved segment.
     *
     * @param stepsPerCheckpoint accepted forward steps between checkpoints, at least 1
     * @param options            the adjoint solve's settings (seminorm: only {@code a} in the norm)
     * @return the method
     */
    static GradientMethod checkpointed(int stepsPerCheckpoint, AdjointOptions options) {
        return new CheckpointedAdjoint(stepsPerCheckpoint, options);
    }
}
