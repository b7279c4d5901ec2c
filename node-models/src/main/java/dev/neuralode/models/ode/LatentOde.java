package dev.neuralode.models.ode;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.GruCell;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Module;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;

/**
 * A latent ODE for irregularly sampled time series (Rubanova, Chen &amp; Duvenaud, NeurIPS 2019;
 * Chen et al. 2018, §5), a variational autoencoder whose decoder is an ODE:
 * <ol>
 *   <li>an encoder runs <b>backwards in time</b> over the observations of each sequence and gives
 *       the posterior {@code q(z0 | x) = N(μ, diag e^{logVar})} of the latent state at the first
 *       observation time {@code t0}. Two encoders: {@link Encoder#RNN}, a GRU whose input is the
 *       observation and the time gap to the previously processed (later) observation, and
 *       {@link Encoder#ODE_RNN}, where between observations the hidden state follows a learned ODE
 *       (backwards) and the GRU updates it at each observation;</li>
 *   <li>{@code z0 = μ + e^{logVar/2} ⊙ ε} is sampled (reparameterisation), integrated by the latent
 *       dynamics {@code dz/dt = f(z)} and decoded at every observation time;</li>
 *   <li>the loss is the negative ELBO,
 *       {@code -Σ_i log N(x_i | dec(z(t_i)), σ²) + KL(q(z0|x) ‖ N(0, I))}, averaged over
 *       sequences.</li>
 * </ol>
 * Every sequence has its own observation times: a batch is solved on the union of its times, and
 * each sequence uses (and is updated at) only its own points, through masks. The latent initial
 * time {@code t0} is the earliest time of the batch. A sequence's encoding does not depend on the
 * other sequences of its batch as long as they share that {@code t0} (the ODE-RNN hidden state of
 * a sequence stays zero until its last observation, then follows the ODE down to {@code t0}; the
 * GRU-only encoder's state is the one after the sequence's earliest observation).
 * {@code LatentOdeTest.eachSequenceIsEncodedAndDecodedOnItsOwnTimes} checks this to 1e-10.
 *
 * <p>Children: {@code encoder} (GRU cell), {@code encoder_ode} (ODE-RNN only), {@code to_latent},
 * {@code dynamics}, {@code decoder}.
 */
public final class LatentOde extends Module {

    /** The sequence encoder. */
    public enum Encoder {
        /** A GRU run backwards over the observations, fed the time gaps. */
        RNN,
        /** A GRU whose hidden state evolves by an ODE between observations (backwards). */
        ODE_RNN
    }

    /**
     * The ELBO's parts for a batch.
     *
     * @param loss          the negative ELBO per sequence (1×1), the training loss
     * @param logLikelihood the mean reconstruction log-likelihood per sequence
     * @param kl            the mean KL divergence per sequence
     * @param mu            posterior means, {@code batch × latent}
     * @param logVar        posterior log-variances
     */
    public record Elbo(Tensor loss, double logLikelihood, double kl, Tensor mu, Tensor logVar) {
    }

    private final int obsDim;
    private final int latentDim;
    private final Encoder kind;
    private final double obsLogVar;
    private final SolverOptions options;
    private final GradientMethod method;
    private final GruCell gru;
    private final OdeFunction encoderOde;
    private final Linear toLatent;
    private final OdeFunction dynamics;
    private final Layer decoder;

    /**
     * Creates a latent ODE with tanh MLPs.
     *
     * @param obsDim       the observation width
     * @param latentDim    the latent state width
     * @param hiddenDim    the encoder's GRU width (and the widths of the MLPs)
     * @param encoder      which encoder
     * @param obsStd       the observation noise σ of the Gaussian likelihood
     * @param options      solver options (for both the latent and the ODE-RNN solves)
     * @param method       the gradient method
     * @param seed         the initialisation seed
     */
    public LatentOde(int obsDim, int latentDim, int hiddenDim, Encoder encoder, double obsStd,
            SolverOptions options, GradientMethod method, long seed) {
        Random rng = new Random(seed);
        this.obsDim = obsDim;
        this.latentDim = latentDim;
        this.kind = encoder;
        this.obsLogVar = 2 * Math.log(obsStd);
        this.options = options;
        this.method = method;
        this.gru = registerModule("encoder", new GruCell(obsDim + 1, hiddenDim, rng));
        this.encoderOde = encoder == Encoder.ODE_RNN
                ? registerModule("encoder_ode", OdeFunction.of(Mlp.builder(hiddenDim).hidden(hiddenDim)
                        .out(hiddenDim).random(rng).build()))
                : null;
        this.toLatent = registerModule("to_latent", new Linear(hiddenDim, 2 * latentDim, rng));
        this.dynamics = registerModule("dynamics", OdeFunction.of(Mlp.builder(latentDim).hidden(hiddenDim)
                .out(latentDim).random(rng).build()));
        this.decoder = registerModule("decoder", Mlp.builder(latentDim).hidden(hiddenDim).out(obsDim)
                .random(rng).build());
    }

    /** The union of a batch's observation times and, per union time, each sequence's index. */
    private static final class Grid {
        final double[] times;
        final int[][] index; // index[k][b] = observation index of sequence b at times[k], or -1

        Grid(List<IrregularSeries> batch) {
            TreeSet<Double> all = new TreeSet<>();
            for (IrregularSeries s : batch) {
                for (double t : s.times()) {
                    all.add(t);
                }
            }
            times = all.stream().mapToDouble(Double::doubleValue).toArray();
            index = new int[times.length][batch.size()];
            for (int k = 0; k < times.length; k++) {
                for (int b = 0; b < batch.size(); b++) {
                    index[k][b] = batch.get(b).indexOf(times[k]);
                }
            }
        }
    }

    private void checkBatch(List<IrregularSeries> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("LatentOde: empty batch");
        }
        for (int b = 0; b < batch.size(); b++) {
            if (batch.get(b).dim() != obsDim) {
                throw new IllegalArgumentException("LatentOde: sequence " + b + " has observations of width "
                        + batch.get(b).dim() + ", the model expects " + obsDim);
            }
        }
    }

    /**
     * Runs the encoder backwards over each sequence.
     *
     * @param tape  the tape
     * @param batch the sequences, each with its own times
     * @return {@code [μ, logVar]} of {@code q(z0 | x)}, each {@code batch × latent}
     */
    public Tensor[] encode(Tape tape, List<IrregularSeries> batch) {
        checkBatch(batch);
        Grid g = new Grid(batch);
        int nb = batch.size();
        Tensor h = tape.full(nb, gru.hiddenSize(), 0.0);
        double[] lastTime = new double[nb];
        boolean[] started = new boolean[nb];
        for (int k = g.times.length - 1; k >= 0; k--) {
            if (encoderOde != null && k < g.times.length - 1) {
                // evolve the hidden state backwards from times[k+1] to times[k]; a sequence whose
                // last (first processed) observation is still ahead keeps h = 0, so its encoding
                // does not depend on the other sequences of the batch
                OdeSolveResult r = OdeSolve.solve(new TimeReversed(encoderOde), h,
                        new double[]{-g.times[k + 1], -g.times[k]}, options, method);
                DMatrixRMaj live = new DMatrixRMaj(nb, 1);
                boolean all = true;
                for (int b = 0; b < nb; b++) {
                    live.data[b] = started[b] ? 1.0 : 0.0;
                    all &= started[b];
                }
                h = all ? r.at(1) : r.at(1).mul(tape.constant(live));
            }
            DMatrixRMaj x = new DMatrixRMaj(nb, obsDim + 1);
            DMatrixRMaj mask = new DMatrixRMaj(nb, 1);
            boolean any = false;
            for (int b = 0; b < nb; b++) {
                int i = g.index[k][b];
                if (i < 0) {
                    continue;
                }
                any = true;
                mask.set(b, 0, 1.0);
                double[] v = batch.get(b).values()[i];
                for (int j = 0; j < obsDim; j++) {
                    x.set(b, j, v[j]);
                }
                x.set(b, obsDim, started[b] ? lastTime[b] - g.times[k] : 0.0);
                lastTime[b] = g.times[k];
                started[b] = true;
            }
            if (!any) {
                continue;
            }
            Tensor hNew = gru.step(tape.constant(x), h);
            h = h.add(hNew.sub(h).mul(tape.constant(mask)));
        }
        Tensor out = toLatent.forward(h);
        return new Tensor[]{out.sliceCols(0, latentDim), out.sliceCols(latentDim, 2 * latentDim)};
    }

    /**
     * Integrates latent initial states over the union of the batch's times and decodes.
     *
     * @param z0    the latent states at the first time, {@code batch × latent}
     * @param times the output times, strictly monotone: increasing to predict forwards, or
     *              decreasing to extrapolate backwards in time; {@code times[0]} is the time of
     *              {@code z0}
     * @return one {@code batch × obsDim} prediction per time
     * @throws IllegalArgumentException if the times are not strictly monotone (from the solve)
     */
    public Tensor[] decode(Tensor z0, double[] times) {
        Tensor[] out = new Tensor[times.length];
        if (times.length == 1) {
            out[0] = decoder.forward(z0);
            return out;
        }
        OdeSolveResult r = OdeSolve.solve(dynamics, z0, times, options, method);
        for (int k = 0; k < times.length; k++) {
            out[k] = decoder.forward(r.at(k));
        }
        return out;
    }

    /**
     * The negative ELBO of a batch with one reparameterised sample of {@code z0} per sequence.
     *
     * @param tape  the tape
     * @param batch the sequences (each with its own times; the latent initial time is the
     *              earliest time in the batch)
     * @param beta  the KL weight (1 for the ELBO)
     * @param rng   the source of ε. Modified.
     * @return the loss and its parts
     */
    public Elbo elbo(Tape tape, List<IrregularSeries> batch, double beta, Random rng) {
        Tensor[] q = encode(tape, batch);
        Tensor mu = q[0];
        Tensor logVar = q[1];
        Tensor z0 = LossFunctions.reparameterize(mu, logVar,
                LossFunctions.gaussianNoise(tape, batch.size(), latentDim, rng));
        Grid g = new Grid(batch);
        Tensor[] pred = decode(z0, g.times);
        int nb = batch.size();
        Tensor logLik = null;
        Tensor lv = tape.scalar(obsLogVar);
        for (int k = 0; k < g.times.length; k++) {
            DMatrixRMaj x = new DMatrixRMaj(nb, obsDim);
            DMatrixRMaj mask = new DMatrixRMaj(nb, 1);
            for (int b = 0; b < nb; b++) {
                int i = g.index[k][b];
                if (i >= 0) {
                    mask.set(b, 0, 1.0);
                    System.arraycopy(batch.get(b).values()[i], 0, x.data, b * obsDim, obsDim);
                }
            }
            Tensor term = LossFunctions.gaussianLogLikelihood(pred[k], lv, tape.constant(x)).sum(1)
                    .mul(tape.constant(mask));
            logLik = logLik == null ? term : logLik.add(term);
        }
        Tensor loss = LossFunctions.negativeElbo(logLik, mu, logVar, beta);
        double kl = LossFunctions.klStandardNormal(mu, logVar).mean().item();
        return new Elbo(loss, logLik.mean().item(), kl, mu, logVar);
    }

    /**
     * Predictions from the posterior mean: encode, then decode {@code μ} at the given times.
     *
     * @param tape  the tape
     * @param batch the observed sequences
     * @param times output times, increasing, {@code times[0]} the earliest observation time of the
     *              batch (the latent initial time)
     * @return one {@code batch × obsDim} prediction per time
     * @throws IllegalArgumentException if {@code times[0]} is not the batch's earliest observation
     *                                  time
     */
    public Tensor[] predict(Tape tape, List<IrregularSeries> batch, double[] times) {
        checkBatch(batch);
        double t0 = Double.POSITIVE_INFINITY;
        for (IrregularSeries s : batch) {
            t0 = Math.min(t0, s.times()[0]);
        }
        if (times.length == 0 || times[0] != t0) {
            throw new IllegalArgumentException("LatentOde.predict: times[0] must be the batch's earliest observation "
                    + "time " + t0 + " (the latent initial time), got "
                    + (times.length == 0 ? "no times" : String.valueOf(times[0])));
        }
        Tensor[] q = encode(tape, batch);
        return decode(q[0], times);
    }

    /**
     * The total dynamics evaluations (latent and ODE-RNN encoder).
     *
     * @return the count
     */
    public long nfe() {
        return dynamics.nfe() + (encoderOde == null ? 0 : encoderOde.nfe());
    }

    /**
     * The latent width.
     *
     * @return latent
     */
    public int latentDim() {
        return latentDim;
    }

    /**
     * The encoder kind.
     *
     * @return the kind
     */
    public Encoder encoderKind() {
        return kind;
    }
}
