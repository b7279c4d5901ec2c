package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.knowm.xchart.XYChart;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeEvents;
import dev.neuralode.adjoint.StateReset;
import dev.neuralode.adjoint.TapeEvent;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Learning the physics of a bouncing ball from the times at which it hits the floor (the experiment
 * of torchdiffeq's {@code examples/bouncing_ball.py}; Chen, Amos &amp; Nickel, "Learning Neural Event
 * Functions for Ordinary Differential Equations", ICLR 2021).
 *
 * <p>The ball's state is (height, velocity), {@code dh/dt = v}, {@code dv/dt = -G}; it is thrown
 * upwards at a known speed {@code v0} from an unknown height {@code h0}; at each impact
 * ({@code h = 0}, falling) the velocity is reset to {@code -e·v}. The demo observes the first
 * bounce times of the true ball and fits {@code G}, {@code e} and {@code h0} by Adam on the mean
 * squared error of the bounce times, differentiating each event time on the tape
 * ({@link OdeEvents#solveChain}: the implicit function theorem through every bounce and reset).
 * The throw matters: dropped from rest, the bounce times {@code t_k = √(2h0/G)(1 + 2Σ_{j<k} eʲ)}
 * depend on {@code h0} and {@code G} only through {@code h0/G}; with a known {@code v0 ≠ 0} the first
 * flight separates them. Parameters are learned in unconstrained form ({@code log G},
 * {@code log h0}, {@code logit e}).
 */
@Command(name = "bouncing", mixinStandardHelpOptions = true,
        description = {"Learn gravity, restitution and the initial height of a bouncing ball from its observed "
                + "bounce times, with differentiable event times (implicit function theorem).",
                "Plots: bouncing-trajectories.png, bouncing-progress.png"})
public final class BouncingDemo extends Demo {

    @Option(names = "--iterations", defaultValue = "600", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--lr", defaultValue = "0.05", paramLabel = "LR",
            description = "Adam's learning rate, decayed to 1 % by a cosine schedule (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--beta2", defaultValue = "0.9", paramLabel = "B",
            description = "Adam's second-moment decay (default: ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--bounces", defaultValue = "6", paramLabel = "K",
            description = "observed bounce times (default: ${DEFAULT-VALUE})")
    int bounces;

    @Option(names = "--gradient", defaultValue = "adjoint", paramLabel = "G",
            description = "gradient method of each segment: direct, adjoint, checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--method", defaultValue = "dopri5", paramLabel = "M",
            description = "ODE method (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--rtol", defaultValue = "1e-8", paramLabel = "TOL",
            description = "relative tolerance, atol = rtol/100 (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--true", split = ",", defaultValue = "9.8,0.8,10", paramLabel = "G,E,H0",
            description = "the true gravity, restitution and initial height (default: ${DEFAULT-VALUE})")
    double[] truth;

    @Option(names = "--initial", split = ",", defaultValue = "14,0.6,6", paramLabel = "G,E,H0",
            description = "the initial guess of gravity, restitution and initial height (default: ${DEFAULT-VALUE})")
    double[] guess;

    @Option(names = "--v0", defaultValue = "8.0", paramLabel = "V",
            description = "the known upward speed of the throw (default: ${DEFAULT-VALUE})")
    double v0;

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--bounces", bounces, 2);
        requirePositive("--lr", lr);
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("--beta2 must be in [0, 1), got " + beta2);
        }
        requirePositive("--rtol", rtol);
        for (double[] p : new double[][] {truth, guess}) {
            if (p.length != 3) {
                throw new IllegalArgumentException("--true and --initial take three values G,E,H0, got " + p.length);
            }
            requirePositive("gravity", p[0]);
            requirePositive("initial height", p[2]);
            if (!(p[1] > 0 && p[1] < 1)) {
                throw new IllegalArgumentException("restitution must be in (0, 1), got " + p[1]);
            }
        }
        Flows.gradient(gradient);
        OdeSolvers.method(method);
    }

    /** Bounce times and a dense trajectory of the ball with these parameters, from plain event solves. */
    record Flight(double[] bounceTimes, DenseSolution path) {
    }

    Flight fly(double g, double e, double h0, int count, double tEnd) {
        OdeSystem f = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -g;
        };
        Event bounce = Event.when((t, y) -> y[0]).falling().reset((t, y, yNew) -> {
            yNew[0] = 0;
            yNew[1] = -e * y[1];
        });
        // the bounces accumulate at T∞ = (v0 + V)/G + 2(V/G)·e/(1 - e), V = √(v0² + 2G·h0) (closed form,
        // only to end the plotted path just before the ball comes to rest)
        double vImpact = Math.sqrt(v0 * v0 + 2 * g * h0);
        double rest = (v0 + vImpact) / g + 2 * vImpact / g * e / (1 - e);
        DenseSolution d = OdeSolvers.solveDense(f, new double[] {h0, v0}, 0, Math.min(tEnd, rest * (1 - 1e-3)),
                options().toBuilder().events(bounce.zenoLimit(1000)).build());
        double[] times = new double[Math.min(count, d.events().size())];
        for (int i = 0; i < times.length; i++) {
            times[i] = d.events().get(i).time();
        }
        return new Flight(times, d);
    }

    private SolverOptions options() {
        return SolverOptions.builder().method(method).rtol(rtol).atol(rtol * 1e-2).build();
    }

    @Override
    protected DemoResult run() throws Exception {
        // the observations: the true ball's first bounce times (located to 1e-12 at rtol 1e-12)
        SolverOptions exact = SolverOptions.builder().method("dopri8").rtol(1e-12).atol(1e-14).build();
        double[] observed = observe(exact);
        double horizon = observed[observed.length - 1] * 3;
        log.info("observed bounce times {}", java.util.Arrays.toString(observed));

        Parameter logG = scalar("log_gravity", Math.log(guess[0]));
        Parameter logitE = scalar("logit_restitution", Math.log(guess[1] / (1 - guess[1])));
        Parameter logH = scalar("log_height", Math.log(guess[2]));
        List<Parameter> params = List.of(logG, logitE, logH);
        // β₂ = 0.9: the second moment follows the gradient's scale, which falls by orders of magnitude
        // along the narrow valley of this fit (the bounce times' Jacobian has a condition number ≈ 80)
        Adam adam = new Adam(params, lr, 0.9, beta2, 1e-8, 0.0, false);
        LrScheduler schedule = new LrScheduler(adam, LrSchedule.cosine(iterations, lr * 0.01));
        GradientMethod gm = Flows.gradient(gradient);
        Dynamics ball = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return Tensor.concatCols(h.sliceCols(1, 2), h.tape().param(logG).exp().neg());
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(logG);
            }
        };
        StateReset reset = (t, y) -> Tensor.concatCols(y.tape().scalar(0),
                y.sliceCols(1, 2).mul(y.tape().param(logitE).sigmoid()).neg());

        double[] losses = new double[iterations];
        double[][] track = new double[3][iterations];
        Progress progress = new Progress(log, "bouncing", iterations);
        long start = System.nanoTime();
        double loss = Double.NaN;
        for (int it = 0; it < iterations; it++) {
            adam.zeroGrad();
            Tape tape = new Tape();
            Tensor y0 = Tensor.concatCols(tape.param(logH).exp(), tape.scalar(v0));
            List<TapeEvent> hits = OdeEvents.solveChain(ball, y0, tape.scalar(0), (t, y) -> y.sliceCols(0, 1),
                    Event.Direction.FALLING, reset, observed.length, horizon, options(), gm);
            Tensor sq = null;
            for (int k = 0; k < observed.length; k++) {
                Tensor d = hits.get(k).time().sub(tape.scalar(observed[k])).square();
                sq = sq == null ? d : sq.add(d);
            }
            Tensor mse = sq.scale(1.0 / observed.length);
            loss = mse.item();
            tape.backward(mse);
            adam.step();
            schedule.step();
            losses[it] = loss;
            track[0][it] = Math.exp(logG.value().get(0));
            track[1][it] = sigmoid(logitE.value().get(0));
            track[2][it] = Math.exp(logH.value().get(0));
            progress.update(it + 1, loss, Double.NaN, String.format(Locale.ROOT, "gravity %.4f restitution %.4f"
                    + " height %.4f", track[0][it], track[1][it], track[2][it]));
        }
        double sPerIter = (System.nanoTime() - start) * 1e-9 / iterations;
        double gLearned = track[0][iterations - 1];
        double eLearned = track[1][iterations - 1];
        double hLearned = track[2][iterations - 1];

        plots(observed, losses, track);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("iterations", (double) iterations);
        figures.put("s_per_iter", sPerIter);
        figures.put("final_loss", loss);
        figures.put("restitution", eLearned);
        figures.put("gravity", gLearned);
        figures.put("height", hLearned);
        figures.put("initial_loss", losses[0]);
        log.info("learned gravity {} (true {}), restitution {} (true {}), initial height {} (true {})", fmt(gLearned),
                truth[0], fmt(eLearned), truth[1], fmt(hLearned), truth[2]);
        String summary = String.format(Locale.ROOT, "bouncing: iterations=%d s_per_iter=%.4f final_loss=%.3e"
                + " restitution=%.4f gravity=%.4f", iterations, sPerIter, loss, eLearned, gLearned);
        return new DemoResult("bouncing", summary, figures, images());
    }

    private double[] observe(SolverOptions exact) {
        double g = truth[0];
        double e = truth[1];
        OdeSystem f = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -g;
        };
        Event bounce = Event.when((t, y) -> y[0]).falling().reset((t, y, yNew) -> {
            yNew[0] = 0;
            yNew[1] = -e * y[1];
        });
        // solve up to the apex after the last observed bounce (closed form, only to bound the solve)
        double vImpact = Math.sqrt(v0 * v0 + 2 * g * truth[2]);
        double tEnd = (v0 + vImpact) / g;
        for (int k = 1; k < bounces; k++) {
            tEnd += 2 * Math.pow(e, k) * vImpact / g;
        }
        tEnd += Math.pow(e, bounces) * vImpact / g;
        OdeSolution s = OdeSolvers.solve(f, new double[] {truth[2], v0}, new double[] {0, tEnd},
                exact.toBuilder().events(bounce.zenoLimit(bounces + 2)).build());
        double[] times = new double[bounces];
        int k = 0;
        for (EventOccurrence o : s.events()) {
            if (o.eventIndex() == 0 && k < bounces) {
                times[k++] = o.time();
            }
        }
        if (k < bounces) {
            throw new IllegalStateException("the true ball bounced only " + k + " times");
        }
        return times;
    }

    private void plots(double[] observed, double[] losses, double[][] track) throws java.io.IOException {
        double tEnd = observed[observed.length - 1] * 1.15;
        int nPts = 600;
        double[] ts = EulerDemo.linspace(0, tEnd, nPts);
        XYChart traj = Plots.xy("Bouncing ball: true, initial guess and learned trajectories", "t", "height");
        String[] names = {"true", "initial guess", "learned"};
        double[][] ps = {truth, guess, {track[0][track[0].length - 1], track[1][track[1].length - 1],
            track[2][track[2].length - 1]}};
        Color[] colors = {Color.BLACK, Plots.PALETTE[1], Plots.PALETTE[0]};
        for (int i = 0; i < 3; i++) {
            Flight fl = fly(ps[i][0], ps[i][1], ps[i][2], Integer.MAX_VALUE, tEnd);
            double[] h = new double[nPts];
            for (int j = 0; j < nPts; j++) {
                h[j] = ts[j] <= fl.path().t1() ? fl.path().evaluate(ts[j])[0] : 0.0;   // at rest after
            }
            if (i == 0) {
                Plots.line(traj, names[i], ts, h, colors[i], 2.5f);
            } else {
                Plots.dashed(traj, names[i], ts, h, colors[i]);
            }
        }
        Plots.scatter(traj, "observed bounce times", observed, new double[observed.length], Color.RED, 8);
        save(traj, "bouncing-trajectories.png");

        int n = losses.length;
        double[] its = new double[n];
        double[] lossFloor = new double[n];
        double[][] rel = new double[3][n];
        for (int i = 0; i < n; i++) {
            its[i] = i + 1;
            lossFloor[i] = Math.max(losses[i], 1e-300);
            for (int p = 0; p < 3; p++) {
                rel[p][i] = Math.max(Math.abs(track[p][i] - truth[p == 0 ? 0 : p == 1 ? 1 : 2]) / truth[p], 1e-300);
            }
        }
        XYChart lossChart = Plots.logLog("Training loss (mean squared bounce-time error)", "iteration", "loss");
        Plots.line(lossChart, "loss", its, lossFloor, Plots.PALETTE[0], 2f);
        XYChart paramChart = Plots.logLog("Relative parameter error", "iteration", "|p - p_true| / p_true");
        String[] pn = {"gravity", "restitution", "initial height"};
        for (int p = 0; p < 3; p++) {
            Plots.line(paramChart, pn[p], its, rel[p], Plots.PALETTE[p], 2f);
        }
        saveGrid(List.of(lossChart, paramChart), 1, 2, "bouncing-progress.png");
    }

    private static Parameter scalar(String name, double v) {
        return new Parameter(name, new DMatrixRMaj(1, 1, true, v));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
