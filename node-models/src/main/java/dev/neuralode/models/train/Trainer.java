package dev.neuralode.models.train;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.io.Npz;
import dev.neuralode.models.optim.GradClip;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.models.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p><b>Tapes.</b> Each iteration's tape is closed after the backward sweep ({@link Tape#close()}),
 * so its arrays go back to the thread's pool for the next iteration: a loss function must not keep
 * tensors of its tape beyond the iteration (copy values out instead).
 *
 * <p><b>Stopping, checkpoints and resuming.</b> A {@link StopRequest} ({@link Builder#stopRequest},
 * from a callback or another thread such as a signal handler) ends training after the iteration in
 * progress. With {@link Builder#checkpoint(Path, int)} the trainer writes a checkpoint every N
 * iterations and when training ends for any reason (stop request, early stopping, last iteration):
 * one {@code .npz} file, written atomically ({@link Npz#writeArrays}), holding
 * <ul>
 *   <li>{@code param.<name>}: every trained parameter's value (load the weights alone with
 *       {@code Npz.load(model, file, Npz.LoadOptions.lenient().withPrefix("param.", ""))});</li>
 *   <li>{@code optimizer.steps}, {@code optimizer.lr}, {@code optimizer.state<k>.<name>} (Adam's
 *       moments, SGD's momentum, ...) and {@code optimizer.type.<class>};</li>
 *   <li>{@code trainer.iteration} (iterations done), {@code trainer.losses}, {@code trainer.nfe};</li>
 *   <li>{@code scheduler.epoch}, {@code early.state} and {@code early.best.<name>} (the best weights
 *       when restored), {@code random.state} ({@link ResumableRandom}), for the parts configured.</li>
 * </ul>
 * {@link Builder#resumeFrom(Path)} restores all of it before the first iteration and continues
 * with iteration {@code trainer.iteration}; the result is bit for bit that of the uninterrupted run,
 * provided the loss function depends only on the weights, the iteration index and the trainer's
 * {@link Builder#random} generator.
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
    private final StopRequest stop;
    private final Path checkpoint;
    private final int checkpointEvery;
    private final Path resumeFrom;
    private final ResumableRandom random;

    private Trainer(Builder b) {
        this.stop = b.stop;
        this.checkpoint = b.checkpoint;
        this.checkpointEvery = b.checkpointEvery;
        this.resumeFrom = b.resumeFrom;
        this.random = b.random;
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
     * The stop request this trainer honours ({@link Builder#stopRequest}, or its own).
     *
     * @return the request; {@code request(reason)} from any thread stops after the current iteration
     */
    public StopRequest stopRequest() {
        return stop;
    }

    /**
     * Runs the loop (resuming from the configured checkpoint, if any).
     *
     * @param loss builds each iteration's loss on the given tape
     * @return losses, timings, and whether and why training stopped before the last iteration
     * @throws ArithmeticException   if a loss, a gradient or an updated weight is NaN or infinite,
     *                               naming the iteration and, for a gradient or weight, the parameter;
     *                               the weights then keep their last finite values
     * @throws UncheckedIOException  if the checkpoint to resume from cannot be read or a checkpoint
     *                               cannot be written (the message names the file)
     * @throws IllegalStateException if the checkpoint to resume from does not fit this trainer (its
     *                               parameters, optimizer, schedule, early stopping, random
     *                               generator or iteration count; the message says which)
     */
    public TrainingResult fit(LossFunction loss) {
        List<Parameter> params = optimizer.parameters();
        double[] losses = new double[iterations];
        long start = System.nanoTime();
        long fwdTotal = 0;
        long bwdTotal = 0;
        int first = 0;
        double[][] restoredBest = null;
        if (resumeFrom != null) {
            Resumed r = restore(resumeFrom, params);
            first = r.iteration;
            System.arraycopy(r.losses, 0, losses, 0, first);
            fwdTotal = r.forwardNfe;
            bwdTotal = r.backwardNfe;
            restoredBest = r.best;
            LOG.info("resumed from {} at iteration {}", resumeFrom, first);
        }
        int done = first;
        boolean stopped = false;
        boolean requested = false;
        double[][] before = new double[params.size()][];
        for (int i = 0; i < before.length; i++) {
            before[i] = new double[params.get(i).size()];
        }
        double[][] bestWeights = earlyStopping != null && earlyStopping.restoresBestWeights()
                ? restoredBest != null ? restoredBest : new double[params.size()][] : null;
        for (int it = first; it < iterations; it++) {
            long t0 = System.nanoTime();
            optimizer.zeroGrad();
            long n0;
            long n1;
            long n2;
            double value;
            try (Tape tape = new Tape()) {
                n0 = nfe.getAsLong();
                Tensor l = loss.compute(tape, it);
                n1 = nfe.getAsLong();
                value = l.item();
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("training loss is " + value + " at iteration " + it);
                }
                tape.backward(l);
                n2 = nfe.getAsLong();
            }
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
            if (earlyStopping != null) {
                boolean stopNow = earlyStopping.update(e);
                if (bestWeights != null && earlyStopping.bestIteration() == it) {
                    for (int i = 0; i < bestWeights.length; i++) {
                        bestWeights[i] = earlyStopping.metricBeforeStep() ? before[i].clone()
                                : params.get(i).value().data.clone();
                    }
                }
                if (stopNow) {
                    LOG.info("early stopping at iteration {}: best metric {} at iteration {}", it,
                            earlyStopping.best(), earlyStopping.bestIteration());
                    stopped = true;
                }
            }
            if (!stopped && stop.isRequested()) {
                LOG.info("stop requested ({}): stopping after iteration {} of {}", stop.reason(), it, iterations);
                requested = true;
            }
            boolean last = stopped || requested || it == iterations - 1;
            if (checkpoint != null && (last || (checkpointEvery > 0 && done % checkpointEvery == 0))) {
                writeCheckpoint(params, done, losses, fwdTotal, bwdTotal, bestWeights);
            }
            if (stopped || requested) {
                break;
            }
        }
        if (bestWeights != null && earlyStopping.bestIteration() >= 0 && bestWeights[0] != null) {
            for (int i = 0; i < bestWeights.length; i++) {
                System.arraycopy(bestWeights[i], 0, params.get(i).value().data, 0, bestWeights[i].length);
                params.get(i).markModified();
            }
            LOG.info("restored the weights of iteration {} (best metric {})", earlyStopping.bestIteration(),
                    earlyStopping.best());
        }
        return new TrainingResult(done, Arrays.copyOf(losses, done), stopped,
                earlyStopping == null ? Double.NaN : earlyStopping.best(),
                earlyStopping == null ? -1 : earlyStopping.bestIteration(), System.nanoTime() - start,
                fwdTotal, bwdTotal, requested, requested ? stop.reason() : null);
    }

    /** What {@link #restore} read for the loop: where to continue, and the best weights if saved. */
    private record Resumed(int iteration, double[] losses, long forwardNfe, long backwardNfe, double[][] best) {
    }

    private static String paramKey(Parameter p) {
        return "param." + p.name();
    }

    private void writeCheckpoint(List<Parameter> params, int done, double[] losses, long fwd, long bwd,
            double[][] bestWeights) {
        Map<String, Npz.NpyArray> a = new LinkedHashMap<>();
        for (Parameter p : params) {
            a.put(paramKey(p), Npz.NpyArray.of(p.value()));
        }
        a.put("optimizer.type." + optimizer.getClass().getName(), new Npz.NpyArray(new int[]{0}, new double[0]));
        a.put("optimizer.steps", scalar(optimizer.steps()));
        a.put("optimizer.lr", scalar(optimizer.lr()));
        for (Parameter p : params) {
            double[][] st = optimizer.stateOf(p);
            for (int k = 0; k < st.length; k++) {
                a.put("optimizer.state" + k + "." + p.name(), vector(st[k]));
            }
        }
        a.put("trainer.iteration", scalar(done));
        a.put("trainer.losses", vector(Arrays.copyOf(losses, done)));
        a.put("trainer.nfe", vector(new double[]{fwd, bwd}));
        if (scheduler != null) {
            a.put("scheduler.epoch", scalar(scheduler.epoch()));
        }
        if (earlyStopping != null) {
            a.put("early.state", vector(earlyStopping.state()));
            if (bestWeights != null && bestWeights[0] != null) {
                for (int i = 0; i < params.size(); i++) {
                    a.put("early.best." + params.get(i).name(), vector(bestWeights[i]));
                }
            }
        }
        if (random != null) {
            a.put("random.state", vector(random.state()));
        }
        try {
            Npz.writeArrays(checkpoint, a);
        } catch (IOException ex) {
            throw new UncheckedIOException("training: cannot write the checkpoint " + checkpoint + " after iteration "
                    + (done - 1) + ": " + ex.getMessage(), ex);
        }
    }

    private static Npz.NpyArray scalar(double v) {
        return new Npz.NpyArray(new int[0], new double[]{v});
    }

    private static Npz.NpyArray vector(double[] v) {
        return new Npz.NpyArray(new int[]{v.length}, v);
    }

    /** Reads a checkpoint, checks that it fits, and restores every part; all or nothing. */
    private Resumed restore(Path file, List<Parameter> params) {
        Map<String, Npz.NpyArray> a;
        try {
            a = Npz.read(file);
        } catch (IOException ex) {
            throw new UncheckedIOException("training: cannot resume from " + file + ": " + ex.getMessage(), ex);
        }
        String where = "training: cannot resume from " + file + ": ";
        List<String> errors = new ArrayList<>();
        String type = null;
        for (String k : a.keySet()) {
            if (k.startsWith("optimizer.type.")) {
                type = k.substring("optimizer.type.".length());
            }
        }
        if (type == null || !a.containsKey("trainer.iteration") || !a.containsKey("optimizer.steps")) {
            throw new IllegalStateException(where + "it is not a Trainer checkpoint (no optimizer.type / "
                    + "trainer.iteration / optimizer.steps entries)");
        }
        if (!type.equals(optimizer.getClass().getName())) {
            errors.add("it was written with optimizer " + type + ", this trainer uses " + optimizer.getClass().getName());
        }
        Map<String, Parameter> byKey = new LinkedHashMap<>();
        for (Parameter p : params) {
            byKey.put(paramKey(p), p);
            Npz.NpyArray v = a.get(paramKey(p));
            if (v == null) {
                errors.add("no value for parameter '" + p.name() + "'");
            } else if (v.rank() != 2 || v.shape()[0] != p.value().numRows || v.shape()[1] != p.value().numCols) {
                errors.add("parameter '" + p.name() + "' has shape " + v.shapeString() + " in the checkpoint, ("
                        + p.value().numRows + ", " + p.value().numCols + ") here");
            }
        }
        for (String k : a.keySet()) {
            if (k.startsWith("param.") && !byKey.containsKey(k)) {
                errors.add("the checkpoint has parameter '" + k.substring(6) + "', which this trainer does not train");
            }
        }
        int iteration = (int) a.get("trainer.iteration").data()[0];
        if (iteration > iterations) {
            errors.add("it is at iteration " + iteration + ", beyond this trainer's " + iterations + " iterations");
        }
        checkPart(errors, scheduler != null, a.containsKey("scheduler.epoch"), "a learning-rate scheduler");
        checkPart(errors, earlyStopping != null, a.containsKey("early.state"), "early stopping");
        checkPart(errors, random != null, a.containsKey("random.state"), "a random generator (Builder.random)");
        Map<Parameter, double[][]> buffers = new IdentityHashMap<>();
        for (Parameter p : params) {
            List<double[]> bs = new ArrayList<>();
            for (int k = 0; a.containsKey("optimizer.state" + k + "." + p.name()); k++) {
                double[] b = a.get("optimizer.state" + k + "." + p.name()).data();
                if (b.length != p.size()) {
                    errors.add("optimizer state " + k + " of parameter '" + p.name() + "' has " + b.length
                            + " values, the parameter " + p.size());
                }
                bs.add(b);
            }
            buffers.put(p, bs.toArray(new double[0][]));
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(where + String.join("; ", errors) + " (nothing was changed)");
        }
        // everything fits: restore
        double[][] restoredBest = null;
        for (Parameter p : params) {
            double[] v = a.get(paramKey(p)).data();
            System.arraycopy(v, 0, p.value().data, 0, v.length);
            p.markModified();
        }
        if (scheduler != null) {
            scheduler.setEpoch((long) a.get("scheduler.epoch").data()[0]);
        }
        optimizer.restoreState((long) a.get("optimizer.steps").data()[0], a.get("optimizer.lr").data()[0], buffers);
        if (earlyStopping != null) {
            earlyStopping.setState(a.get("early.state").data());
            if (earlyStopping.restoresBestWeights() && a.containsKey("early.best." + params.get(0).name())) {
                restoredBest = new double[params.size()][];
                for (int i = 0; i < params.size(); i++) {
                    restoredBest[i] = a.get("early.best." + params.get(i).name()).data().clone();
                }
            }
        }
        if (random != null) {
            random.setState(a.get("random.state").data());
        }
        double[] nfeTotals = a.containsKey("trainer.nfe") ? a.get("trainer.nfe").data() : new double[2];
        double[] ls = a.containsKey("trainer.losses") ? a.get("trainer.losses").data() : new double[iteration];
        return new Resumed(iteration, Arrays.copyOf(ls, iteration), (long) nfeTotals[0], (long) nfeTotals[1],
                restoredBest);
    }

    private static void checkPart(List<String> errors, boolean here, boolean there, String what) {
        if (here && !there) {
            errors.add("this trainer has " + what + " but the checkpoint has no state for it");
        } else if (!here && there) {
            errors.add("the checkpoint holds the state of " + what + " but this trainer has none");
        }
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
        private StopRequest stop = new StopRequest();
        private Path checkpoint;
        private int checkpointEvery;
        private Path resumeFrom;
        private ResumableRandom random;

        private Builder(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        /**
         * The stop request to honour (by default the trainer makes its own, {@link #stopRequest()}):
         * share one with a signal handler or a callback.
         *
         * @param request the request
         * @return this
         */
        public Builder stopRequest(StopRequest request) {
            if (request == null) {
                throw new IllegalArgumentException("stopRequest must not be null");
            }
            this.stop = request;
            return this;
        }

        /**
         * Writes a checkpoint to {@code file} every {@code every} iterations and when training ends
         * (see the class comment for its contents); {@code every = 0} writes it only at the end.
         *
         * @param file  the checkpoint file ({@code .npz}), replaced atomically each time
         * @param every the interval in iterations, {@code >= 0}
         * @return this
         * @throws IllegalArgumentException if {@code file} is null or a directory, or {@code every}
         *                                  is negative
         */
        public Builder checkpoint(Path file, int every) {
            if (file == null || Files.isDirectory(file)) {
                throw new IllegalArgumentException("checkpoint: " + file + " is " + (file == null ? "null"
                        : "a directory") + "; give a file such as checkpoint.npz");
            }
            if (every < 0) {
                throw new IllegalArgumentException("checkpoint: every = " + every + " is invalid; it must be >= 0 "
                        + "(0: only at the end)");
            }
            this.checkpoint = file;
            this.checkpointEvery = every;
            return this;
        }

        /**
         * Resumes from a checkpoint written by a trainer of the same configuration: restores the
         * weights, the optimizer's state, the schedule, early stopping and the random generator,
         * then runs the remaining iterations (see the class comment).
         *
         * @param file the checkpoint; read when {@link Trainer#fit} starts
         * @return this
         * @throws IllegalArgumentException if the file does not exist or is a directory
         */
        public Builder resumeFrom(Path file) {
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("resumeFrom: no checkpoint file " + file
                        + (file != null && Files.isDirectory(file) ? " (it is a directory)" : ""));
            }
            this.resumeFrom = file;
            return this;
        }

        /**
         * The random generator the loss function draws from (noise, mini-batches); its state is
         * saved in checkpoints and restored on resume, so a resumed run draws what the uninterrupted
         * one would have.
         *
         * @param rng the generator the loss function uses
         * @return this
         */
        public Builder random(ResumableRandom rng) {
            this.random = rng;
            return this;
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
            if (checkpoint != null || resumeFrom != null) {
                Set<String> names = new HashSet<>();
                for (Parameter p : optimizer.parameters()) {
                    if (!names.add(p.name())) {
                        throw new IllegalArgumentException("checkpoint: two trained parameters are named '" + p.name()
                                + "'; checkpoints store parameters by name, so names must be unique");
                    }
                }
            }
            return new Trainer(this);
        }
    }
}
