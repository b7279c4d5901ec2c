package dev.neuralode.models.train;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.optim.GradClip;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.models.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training loop: for each iteration, zero the gradients, build the loss on a fresh tape, sweep
 * backward, optionally clip the gradient norm, step the optimizer and the learning-rate schedule,
 * report to callbacks, log through slf4j, and check early stopping.
 *
 * <pre>{@code
 * TrainingResult r = Trainer.builder(new Adam(model.parameters(), 1e-2))
 *         .iterations(300).clipGradNorm(5.0).nfe(model::nfe).logEvery(50)
 *         .callback(e -> System.out.println(e.loss()))
 *         .build()
 *         .fit((tape, it) -> LossFunctions.mse(model.forward(tape.constant(x)), tape.constant(y)));
 * }</pre>
 *
 * <p><b>Non-finite values stop training before they reach the weights.</b> The loss is checked
 * before the backward sweep and every parameter's gradient before the optimizer step; a NaN or
 * infinite one throws {@link ArithmeticException} naming the iteration (and, for a gradient, the
 * first non-finite parameter by name and the element), and the optimizer does not step, so the
 * weights keep the values they had at the start of that iteration. If a step with finite
 * gradients still makes a weight non-finite (an overflowing learning rate), the weights are put
 * back to their values before the step and the same exception names the parameter.
 *
 * <p>Function evaluations are counted from an NFE source (a counter of dynamics evaluations, such
 * as {@code NeuralOde::nfe}): those made while building the loss are forward evaluations, those
 * made during the backward sweep are backward evaluations (the adjoint's backward solve).
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Optimizer optimizer;
    private final int iterations;
    private final double clipNorm;
    private final LrScheduler scheduler;
    private final LongSupplier nfe;
    private final List<TrainingCallback> callbacks;
    private final EarlyStopping earlyStopping;
    private final int logEvery;

    private Trainer(Builder b) {
        this.optimizer = b.optimizer;
        this.iterations = b.iterations;
        this.clipNorm = b.clipNorm;
        this.scheduler = b.scheduler;
        this.nfe = b.nfe;
        this.callbacks = List.copyOf(b.callbacks);
        this.earlyStopping = b.earlyStopping;
        this.logEvery = b.logEvery;
    }

    /**
     * Starts a builder.
     *
     * @param optimizer the optimizer (its parameters are the ones trained)
     * @return the builder
     */
    public static Builder builder(Optimizer optimizer) {
        return new Builder(optimizer);
    }

    /**
     * Runs the loop.
     *
     * @param loss builds each iteration's loss on the given tape
     * @return losses, timings and whether training stopped early
     * @throws ArithmeticException if a loss, a gradient or an updated weight is NaN or infinite,
     *                             naming the iteration and, for a gradient or weight, the parameter;
     *                             the weights then keep their last finite values
     */
    public TrainingResult fit(LossFunction loss) {
        List<Parameter> params = optimizer.parameters();
        double[] losses = new double[iterations];
        long start = System.nanoTime();
        long fwdTotal = 0;
        long bwdTotal = 0;
        int done = 0;
        boolean stopped = false;
        double[][] before = new double[params.size()][];
        for (int i = 0; i < before.length; i++) {
            before[i] = new double[params.get(i).size()];
        }
        for (int it = 0; it < iterations; it++) {
            long t0 = System.nanoTime();
            optimizer.zeroGrad();
            Tape tape = new Tape();
            long n0 = nfe.getAsLong();
            Tensor l = loss.compute(tape, it);
            long n1 = nfe.getAsLong();
            double value = l.item();
            if (!Double.isFinite(value)) {
                throw new ArithmeticException("training loss is " + value + " at iteration " + it);
            }
            tape.backward(l);
            long n2 = nfe.getAsLong();
            checkFinite(params, it, value, false);
            double gradNorm = clipNorm > 0 ? GradClip.byNorm(params, clipNorm) : GradClip.norm(params);
            double lr = optimizer.lr();
            for (int i = 0; i < before.length; i++) {
                System.arraycopy(params.get(i).value().data, 0, before[i], 0, before[i].length);
            }
            optimizer.step();
            try {
                checkFinite(params, it, value, true);
            } catch (ArithmeticException ex) {
                for (int i = 0; i < before.length; i++) {
                    System.arraycopy(before[i], 0, params.get(i).value().data, 0, before[i].length);
                    params.get(i).markModified();
                }
                throw ex;
            }
            if (scheduler != null) {
                scheduler.step();
            }
            long now = System.nanoTime();
            losses[it] = value;
            done = it + 1;
            fwdTotal += n1 - n0;
            bwdTotal += n2 - n1;
            IterationEvent e = new IterationEvent(it, value, n1 - n0, n2 - n1, gradNorm, lr, now - t0, now - start);
            for (TrainingCallback c : callbacks) {
                c.onIteration(e);
            }
            if (logEvery > 0 && (it % logEvery == 0 || it == iterations - 1)) {
                LOG.info("iter {} loss {} nfe(f/b) {}/{} |g| {} lr {} elapsed {}s", it, String.format("%.6g", value),
                        n1 - n0, n2 - n1, String.format("%.3g", gradNorm), String.format("%.3g", lr),
                        String.format("%.2f", e.elapsedSeconds()));
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("iter {} loss {}", it, value);
            }
            if (earlyStopping != null && earlyStopping.update(e)) {
                LOG.info("early stopping at iteration {}: best metric {} at iteration {}", it,
                        earlyStopping.best(), earlyStopping.bestIteration());
                stopped = true;
                break;
            }
        }
        return new TrainingResult(done, Arrays.copyOf(losses, done), stopped,
                earlyStopping == null ? Double.NaN : earlyStopping.best(),
                earlyStopping == null ? -1 : earlyStopping.bestIteration(), System.nanoTime() - start,
                fwdTotal, bwdTotal);
    }

    /**
     * Throws if a parameter's gradient (or, after the step, its value) is not finite, naming the
     * iteration, the first such parameter and its element.
     */
    private static void checkFinite(List<Parameter> params, int it, double loss, boolean afterStep) {
        for (Parameter p : params) {
            double[] d = afterStep ? p.value().data : p.grad().data;
            for (int i = 0, n = p.size(); i < n; i++) {
                if (!Double.isFinite(d[i])) {
                    int cols = p.value().numCols;
                    String where = " at element (" + (i / cols) + ", " + (i % cols) + ")";
                    throw new ArithmeticException(afterStep
                            ? "training: the optimizer step of iteration " + it + " made parameter '" + p.name()
                                    + "' " + d[i] + where + " (loss " + loss + "); the step was undone, the weights "
                                    + "keep their values from before the step; lower the learning rate"
                            : "training: gradient of parameter '" + p.name() + "' is " + d[i] + where
                                    + " at iteration " + it + " (loss " + loss + "); the optimizer step was "
                                    + "skipped, the weights keep their values from before iteration " + it
                                    + "; lower the learning rate, clip the gradients (clipGradNorm), or turn on "
                                    + "Tape.setAnomalyDetection(true) to find the op");
                }
            }
        }
    }

    /** Configures a {@link Trainer}. */
    public static final class Builder {
        private final Optimizer optimizer;
        private int iterations = 100;
        private double clipNorm;
        private LrScheduler scheduler;
        private LongSupplier nfe = () -> 0L;
        private final List<TrainingCallback> callbacks = new ArrayList<>();
        private EarlyStopping earlyStopping;
        private int logEvery;

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /**
         * The number of iterations (default 100).
         *
         * @param n at least 0
         * @return this
         */
        public Builder iterations(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("iterations must be >= 0, got " + n);
            }
            this.iterations = n;
            return this;
        }

        /**
         * Clips the global gradient norm before each step ({@link GradClip#byNorm}); 0 disables.
         *
         * @param maxNorm the largest norm, {@code > 0}, or 0 for no clipping
         * @return this
         * @throws IllegalArgumentException if {@code maxNorm} is negative or NaN, naming the value
         *                                  and the valid range
         */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm >= 0)) {
                throw new IllegalArgumentException("clipGradNorm: maxNorm = " + maxNorm
                        + " is invalid; it must be > 0, or 0 to disable clipping");
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Steps a learning-rate scheduler after every optimizer step.
         *
         * @param s the scheduler
         * @return this
         */
        public Builder scheduler(LrScheduler s) {
            this.scheduler = s;
            return this;
        }

        /**
         * The source of dynamics-evaluation counts (a running total), for forward/backward NFE.
         *
         * @param counter for example {@code model::nfe}
         * @return this
         */
        public Builder nfe(LongSupplier counter) {
            this.nfe = counter;
            return this;
        }

        /**
         * Adds a per-iteration callback.
         *
         * @param c the callback
         * @return this
         */
        public Builder callback(TrainingCallback c) {
            callbacks.add(c);
            return this;
        }

        /**
         * Stops early by the given rule.
         *
         * @param rule the rule
         * @return this
         */
        public Builder earlyStopping(EarlyStopping rule) {
            this.earlyStopping = rule;
            return this;
        }

        /**
         * Logs a summary at INFO level every {@code n} iterations (0, the default, logs only at
         * DEBUG level).
         *
         * @param n the interval
         * @return this
         */
        public Builder logEvery(int n) {
            this.logEvery = n;
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
