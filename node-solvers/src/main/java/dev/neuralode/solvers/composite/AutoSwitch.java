package dev.neuralode.solvers.composite;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.implicit.ImplicitMethods;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;

/**
 * A composite method that runs a non-stiff explicit method while the problem is non-stiff and a
 * stiff (implicit) method while it is stiff, and switches between them during the solve, as LSODA
 * (Petzold, <i>Automatic selection of methods for solving stiff and nonstiff systems of ordinary
 * differential equations</i>, SIAM J. Sci. Stat. Comput. 4 (1983) 136–148) and OrdinaryDiffEq.jl's
 * {@code AutoTsit5(Rodas5P())} do. The registry's {@code auto} is {@link #AUTO}: tsit5 and rodas5p.
 *
 * <p><b>Stiffness test.</b> With {@code ρ} the spectral radius of {@code ∂f/∂y} near the solution,
 * {@code L} the non-stiff method's real stability limit ({@link Stepper#stabilityLimit()}, about
 * 3.5 for tsit5) and {@code h} the accepted step:
 * <ul>
 *   <li>while the non-stiff method runs, {@code h·ρ} comes from its last two stages for free,
 *       {@code h·ρ ≈ ‖K_s − K_{s−1}‖ / ‖Σ_j (a_sj − a_{s−1,j}) K_j‖} ({@link Stepper#stiffnessEstimate()};
 *       Hairer, Wanner, <i>Solving ODEs II</i>, §IV.2, the test of DOPRI5); a step <em>looks stiff</em>
 *       when {@code h·ρ > nonstiffTolerance · L}: its size was set by stability, not accuracy.
 *       After {@code maxStiffSteps} such steps in a row the stiff method takes over;</li>
 *   <li>while the stiff method runs, {@code ρ} is estimated by one step of the power iteration per
 *       accepted step (one evaluation of {@code f}: {@code g = D⁻¹(f(t, y + σDv) − f(t, y))/σ},
 *       {@code ρ ≈ ‖g‖/‖v‖}, {@code v ← g}, in the coordinates scaled by the error weights
 *       {@code D = diag(atol_i + rtol·|y_i|)}); the vector carries over from step to step (and from
 *       one stiff phase to the next), so it follows the dominant direction as the Jacobian changes. A
 *       step <em>looks non-stiff</em> when {@code h·ρ < stiffTolerance · L}: the explicit method would be
 *       stable at the step the stiff method takes (LSODA's criterion: switch back when the explicit
 *       method's stable step is comparable to the stiff one's). After {@code maxNonstiffSteps} such
 *       steps in a row the non-stiff method takes over.</li>
 * </ul>
 * The defaults are OrdinaryDiffEq.jl's {@code AutoSwitch} defaults: 10 and 3 steps, both
 * tolerances 0.9. A safeguard against switching to and fro: a phase shorter than
 * {@code maxStiffSteps + maxNonstiffSteps} accepted steps is <em>short</em>; after
 * {@code maxSuccessiveSwitches} switches in a row that each end a short phase (default 5, as
 * {@code switch_max}) the solve stays with the stiff method to its end.
 *
 * <p><b>The hand-over</b> happens at the end point of an accepted step: the other method's stepper
 * is reset to that point (one fresh evaluation of {@code f}) and takes the next step with the size
 * the driver's controller proposed from the accepted step (for a switch to the stiff method this is
 * the explicit method's stability-bounded size, which the controller then grows by up to
 * {@code maxFactor} per step; a switch back happens only where the explicit method is stable at the
 * current size). Dense output stays continuous: every step's interpolant is exact at both ends.
 * Each method keeps its own stepper for the whole solve, so the stiff method's Jacobian and LU live
 * as long as it runs, and nothing is allocated per step. Jump times and event restarts reset the
 * method that is running, which keeps running.
 *
 * <p>Orders are the smaller of the two methods'; {@link #isImplicit()} is true (the method is meant
 * for problems that may be stiff). The accepted steps the stiff method took and the number of
 * switches are in {@link dev.neuralode.core.SolverStats#stiffSteps()} and
 * {@link dev.neuralode.core.SolverStats#methodSwitches()}. Immutable and thread-safe.
 */
public final class AutoSwitch implements Method {

    /** Default {@code maxStiffSteps}: stiff-looking steps in a row before the stiff method takes over. */
    public static final int DEFAULT_MAX_STIFF_STEPS = 10;
    /** Default {@code maxNonstiffSteps}: non-stiff-looking steps in a row before switching back. */
    public static final int DEFAULT_MAX_NONSTIFF_STEPS = 3;
    /** Default tolerance of both tests, as a fraction of the explicit method's stability limit. */
    public static final double DEFAULT_TOLERANCE = 0.9;
    /** Default {@code maxSuccessiveSwitches}. */
    public static final int DEFAULT_MAX_SUCCESSIVE_SWITCHES = 5;

    /**
     * {@code auto}: Tsitouras' tsit5 ({@link Tableaus#TSIT5}) while non-stiff, Steinebach's rodas5p
     * ({@link ImplicitMethods#RODAS5P}) while stiff, default thresholds.
     */
    public static final AutoSwitch AUTO = of("auto", Tableaus.TSIT5, ImplicitMethods.RODAS5P);

    private final String name;
    private final Method nonstiff;
    private final Method stiff;
    private final int maxStiffSteps;
    private final int maxNonstiffSteps;
    private final double nonstiffTolerance;
    private final double stiffTolerance;
    private final int maxSuccessiveSwitches;
    private final boolean stiffFirst;

    private AutoSwitch(String name, Method nonstiff, Method stiff, int maxStiffSteps, int maxNonstiffSteps,
                       double nonstiffTolerance, double stiffTolerance, int maxSuccessiveSwitches,
                       boolean stiffFirst) {
        this.name = name;
        this.nonstiff = nonstiff;
        this.stiff = stiff;
        this.maxStiffSteps = maxStiffSteps;
        this.maxNonstiffSteps = maxNonstiffSteps;
        this.nonstiffTolerance = nonstiffTolerance;
        this.stiffTolerance = stiffTolerance;
        this.maxSuccessiveSwitches = maxSuccessiveSwitches;
        this.stiffFirst = stiffFirst;
    }

    /**
     * A switching method with the default thresholds, starting with the non-stiff method.
     *
     * @param name     the registry name, non-blank, lower case
     * @param nonstiff an explicit method whose stepper gives a stiffness estimate and a stability
     *                 limit (every {@link dev.neuralode.solvers.explicit.ButcherTableau} does)
     * @param stiff    an implicit method ({@link Method#isImplicit()})
     * @return the method
     * @throws IllegalArgumentException as {@link #of(String, Method, Method, int, int, double, double, int, boolean)}
     */
    public static AutoSwitch of(String name, Method nonstiff, Method stiff) {
        return of(name, nonstiff, stiff, DEFAULT_MAX_STIFF_STEPS, DEFAULT_MAX_NONSTIFF_STEPS, DEFAULT_TOLERANCE,
                DEFAULT_TOLERANCE, DEFAULT_MAX_SUCCESSIVE_SWITCHES, false);
    }

    /**
     * A switching method with the given thresholds.
     *
     * @param name                  the registry name, non-blank, lower case
     * @param nonstiff              an explicit method whose stepper gives a stiffness estimate and a
     *                              stability limit
     * @param stiff                 an implicit method
     * @param maxStiffSteps         stiff-looking steps of the non-stiff method in a row before the
     *                              stiff method takes over, at least 1
     * @param maxNonstiffSteps      non-stiff-looking steps of the stiff method in a row before the
     *                              non-stiff method takes over, at least 1
     * @param nonstiffTolerance     a step of the non-stiff method looks stiff when
     *                              {@code h·ρ > nonstiffTolerance · L}; in (0, 10]
     * @param stiffTolerance        a step of the stiff method looks non-stiff when
     *                              {@code h·ρ < stiffTolerance · L}; in (0, 10]
     * @param maxSuccessiveSwitches switches in a row, each ending a short phase, after which the
     *                              solve stays stiff; at least 1
     * @param stiffFirst            whether the solve starts with the stiff method
     * @return the method
     * @throws IllegalArgumentException naming the argument and its valid range
     */
    public static AutoSwitch of(String name, Method nonstiff, Method stiff, int maxStiffSteps, int maxNonstiffSteps,
                                double nonstiffTolerance, double stiffTolerance, int maxSuccessiveSwitches,
                                boolean stiffFirst) {
        if (name == null || name.isBlank() || !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("AutoSwitch: the name must be non-blank and lower case, got '"
                    + name + "'");
        }
        if (nonstiff == null || stiff == null) {
            throw new IllegalArgumentException(name + ": the non-stiff and the stiff method must not be null, got "
                    + nonstiff + " and " + stiff);
        }
        if (nonstiff.isImplicit()) {
            throw new IllegalArgumentException(name + ": the non-stiff method must be explicit, got the implicit "
                    + nonstiff.name());
        }
        if (!stiff.isImplicit()) {
            throw new IllegalArgumentException(name + ": the stiff method must be implicit (isImplicit()), got "
                    + stiff.name());
        }
        if (nonstiff.isAdaptive() != stiff.isAdaptive()) {
            throw new IllegalArgumentException(name + ": both methods must be adaptive or both fixed-step, got "
                    + nonstiff.name() + (nonstiff.isAdaptive() ? " (adaptive)" : " (fixed)") + " and "
                    + stiff.name() + (stiff.isAdaptive() ? " (adaptive)" : " (fixed)"));
        }
        if (maxStiffSteps < 1 || maxNonstiffSteps < 1 || maxSuccessiveSwitches < 1) {
            throw new IllegalArgumentException(name + ": maxStiffSteps, maxNonstiffSteps and maxSuccessiveSwitches"
                    + " must be at least 1, got " + maxStiffSteps + ", " + maxNonstiffSteps + ", "
                    + maxSuccessiveSwitches);
        }
        if (!(nonstiffTolerance > 0 && nonstiffTolerance <= 10) || !(stiffTolerance > 0 && stiffTolerance <= 10)) {
            throw new IllegalArgumentException(name + ": nonstiffTolerance and stiffTolerance must be in (0, 10],"
                    + " got " + nonstiffTolerance + " and " + stiffTolerance);
        }
        return new AutoSwitch(name, nonstiff, stiff, maxStiffSteps, maxNonstiffSteps, nonstiffTolerance,
                stiffTolerance, maxSuccessiveSwitches, stiffFirst);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The non-stiff (explicit) method.
     *
     * @return the method
     */
    public Method nonstiffMethod() {
        return nonstiff;
    }

    /**
     * The stiff (implicit) method.
     *
     * @return the method
     */
    public Method stiffMethod() {
        return stiff;
    }

    /**
     * Stiff-looking steps of the non-stiff method in a row before the stiff method takes over.
     *
     * @return at least 1
     */
    public int maxStiffSteps() {
        return maxStiffSteps;
    }

    /**
     * Non-stiff-looking steps of the stiff method in a row before the non-stiff method takes over.
     *
     * @return at least 1
     */
    public int maxNonstiffSteps() {
        return maxNonstiffSteps;
    }

    /**
     * The fraction of the stability limit above which a step of the non-stiff method looks stiff.
     *
     * @return the tolerance
     */
    public double nonstiffTolerance() {
        return nonstiffTolerance;
    }

    /**
     * The fraction of the stability limit below which a step of the stiff method looks non-stiff.
     *
     * @return the tolerance
     */
    public double stiffTolerance() {
        return stiffTolerance;
    }

    /**
     * Switches in a row, each ending a short phase, after which the solve stays with the stiff method.
     *
     * @return at least 1
     */
    public int maxSuccessiveSwitches() {
        return maxSuccessiveSwitches;
    }

    /**
     * Whether the solve starts with the stiff method.
     *
     * @return the flag
     */
    public boolean stiffFirst() {
        return stiffFirst;
    }

    /** The smaller of the two methods' orders. */
    @Override
    public int order() {
        return Math.min(nonstiff.order(), stiff.order());
    }

    /** The smaller of the two methods' error orders. */
    @Override
    public int errorOrder() {
        return Math.min(nonstiff.errorOrder(), stiff.errorOrder());
    }

    /** The smaller of the two methods' controller orders. */
    @Override
    public int controlOrder() {
        return Math.min(nonstiff.controlOrder(), stiff.controlOrder());
    }

    /** The smaller of the two methods' dense-output orders. */
    @Override
    public int denseOrder() {
        return Math.min(nonstiff.denseOrder(), stiff.denseOrder());
    }

    /** True: the method is meant for problems that may be stiff. */
    @Override
    public boolean isImplicit() {
        return true;
    }

    /**
     * Creates the stepper of one solve: a stepper of each method (both workspaces allocated now) and
     * the power iteration's vectors.
     *
     * @throws IllegalArgumentException if the non-stiff method's stepper has no finite positive
     *                                  stability limit
     */
    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        if (f == null) {
            throw new IllegalArgumentException(name + ": the ODE system must not be null");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + ": the state needs at least one component, got " + n);
        }
        return new AutoSwitchStepper(this, nonstiff.newStepper(f, n), stiff.newStepper(f, n), n);
    }

    @Override
    public String toString() {
        return name + " (" + nonstiff.name() + " / " + stiff.name() + ")";
    }
}
