package com.example.gradient;

import dev.neuralode.adjoint.BackwardResult;
import dev.neuralode.adjoint.ForwardPass;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;

/**
 * Deliberately wrong gradient methods, each a built-in one with one plausible bug, to show that
 * the contract kit catches it (public API only).
 */
final class FaultyMethods {

    private FaultyMethods() {
    }

    /** A method that delegates to another and lets a subclass spoil its states or its result. */
    abstract static class Spoiled implements GradientMethod {
        private final GradientMethod delegate;
        private final String name;

        Spoiled(String name, GradientMethod delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return name;
        }

        /** The states the forward pass returns (a copy may be changed). */
        double[] states(double[] states) {
            return states;
        }

        /** What the backward pass returns; {@code state} is per forward pass. */
        BackwardResult result(ForwardPass pass, double[] cotangents, double[][] state) {
            return pass.backward(cotangents);
        }

        @Override
        public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times, SolverOptions options,
                                   boolean keep) {
            ForwardPass inner = delegate.forward(system, y0, times, options, keep);
            double[] states = states(inner.states());
            double[][] state = new double[1][];
            return new ForwardPass() {
                @Override
                public double[] states() {
                    return states;
                }

                @Override
                public SolverStats stats() {
                    return inner.stats();
                }

                @Override
                public long storedDoubles() {
                    return inner.storedDoubles();
                }

                @Override
                public BackwardResult backward(double[] cotangents) {
                    return result(inner, cotangents, state);
                }
            };
        }
    }

    /** {@code dL/dθ} scaled by 1.01 (a wrong constant in a parameter term). */
    static GradientMethod scaledParameterGradient() {
        return new Spoiled("scaled-theta", GradientMethod.direct()) {
            @Override
            BackwardResult result(ForwardPass pass, double[] g, double[][] state) {
                BackwardResult r = pass.backward(g);
                double[] th = r.dtheta().clone();
                for (int k = 0; k < th.length; k++) {
                    th[k] *= 1.01;
                }
                return new BackwardResult(r.dy0(), th, r.dtimes(), r.stats(), r.reconstructionError(),
                        r.peakStoredDoubles());
            }
        };
    }

    /** {@code dL/dt_0} left at zero (the initial time treated as a constant). */
    static GradientMethod noInitialTimeGradient() {
        return new Spoiled("no-t0", GradientMethod.checkpointed()) {
            @Override
            BackwardResult result(ForwardPass pass, double[] g, double[][] state) {
                BackwardResult r = pass.backward(g);
                double[] dt = r.dtimes().clone();
                dt[0] = 0;
                return new BackwardResult(r.dy0(), r.dtheta(), dt, r.stats(), r.reconstructionError(),
                        r.peakStoredDoubles());
            }
        };
    }

    /** Forward states off by 1e-9 (a solve that is not the plain solver's). */
    static GradientMethod perturbedStates() {
        return new Spoiled("perturbed-states", GradientMethod.adjoint()) {
            @Override
            double[] states(double[] states) {
                double[] s = states.clone();
                for (int k = s.length / 2; k < s.length; k++) {
                    s[k] += 1e-9;
                }
                return s;
            }
        };
    }

    /** The parameter gradient accumulated into one array per pass and returned: a second sweep doubles it. */
    static GradientMethod reusedResultArray() {
        return new Spoiled("reused-array", GradientMethod.direct()) {
            @Override
            BackwardResult result(ForwardPass pass, double[] g, double[][] state) {
                BackwardResult r = pass.backward(g);
                if (state[0] == null) {
                    state[0] = new double[r.dtheta().length];
                }
                for (int k = 0; k < state[0].length; k++) {
                    state[0][k] += r.dtheta()[k];
                }
                return new BackwardResult(r.dy0(), state[0], r.dtimes(), r.stats(), r.reconstructionError(),
                        r.peakStoredDoubles());
            }
        };
    }

    /** A non-finite backward state swallowed: zero gradients returned instead. */
    static GradientMethod swallowsNonFinite() {
        return new Spoiled("swallows-nan", GradientMethod.adjoint()) {
            @Override
            BackwardResult result(ForwardPass pass, double[] g, double[][] state) {
                try {
                    return pass.backward(g);
                } catch (NonFiniteStateException e) {
                    int n = pass.states().length;
                    return new BackwardResult(new double[n], new double[1], new double[2], SolverStats.ZERO, Double.NaN,
                            0);
                }
            }
        };
    }

    /** A non-finite backward state rethrown without naming the pass. */
    static GradientMethod unnamedPass() {
        return new Spoiled("unnamed-pass", GradientMethod.checkpointed()) {
            @Override
            BackwardResult result(ForwardPass pass, double[] g, double[][] state) {
                try {
                    return pass.backward(g);
                } catch (NonFiniteStateException e) {
                    throw new NonFiniteStateException(e.quantity(), e.time(), e.stepSize(), e.component(), e.value());
                }
            }
        };
    }
}
