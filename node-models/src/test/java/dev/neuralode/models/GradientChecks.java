package dev.neuralode.models;

import dev.neuralode.autodiff.Parameter;
import java.util.List;
import java.util.function.DoubleSupplier;

/** Finite-difference references for parameter gradients, shared by the tests. */
public final class GradientChecks {

    private GradientChecks() {
    }

    /**
     * Central differences {@code (f(θᵢ + h) - f(θᵢ - h)) / 2h} of a scalar function with respect to
     * every parameter element, in parameter order; each element is restored afterwards.
     *
     * @param params the parameters. Modified during the call, restored on return.
     * @param h      the step
     * @param f      the function, re-evaluated from the current parameter values
     * @return one difference per parameter element
     */
    public static double[] centralDifferences(List<Parameter> params, double h, DoubleSupplier f) {
        double[] fd = new double[params.stream().mapToInt(Parameter::size).sum()];
        int k = 0;
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                double v = p.value().data[i];
                p.value().data[i] = v + h;
                double up = f.getAsDouble();
                p.value().data[i] = v - h;
                double down = f.getAsDouble();
                p.value().data[i] = v;
                fd[k++] = (up - down) / (2 * h);
            }
        }
        return fd;
    }
}
