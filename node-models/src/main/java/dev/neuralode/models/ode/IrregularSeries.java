package dev.neuralode.models.ode;

import java.util.Arrays;

/**
 * One irregularly sampled sequence: observation times (strictly increasing, specific to this
 * sequence) and the observed vectors.
 *
 * @param times  the observation times, strictly increasing
 * @param values {@code values[i]} observed at {@code times[i]}, all of one length
 */
public record IrregularSeries(double[] times, double[][] values) {

    /**
     * Validates and copies.
     *
     * @param times  the observation times
     * @param values the observations
     */
    public IrregularSeries {
        if (times.length == 0 || times.length != values.length) {
            throw new IllegalArgumentException("IrregularSeries: " + times.length + " times for " + values.length
                    + " observations (need equal, non-zero counts)");
        }
        for (int i = 1; i < times.length; i++) {
            if (!(times[i] > times[i - 1])) {
                throw new IllegalArgumentException("IrregularSeries: times must increase strictly, but times["
                        + i + "] = " + times[i] + " after " + times[i - 1]);
            }
        }
        times = times.clone();
        double[][] copy = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != values[0].length) {
                throw new IllegalArgumentException("IrregularSeries: observation " + i + " has " + values[i].length
                        + " values, observation 0 has " + values[0].length);
            }
            copy[i] = values[i].clone();
        }
        values = copy;
    }

    /**
     * The number of observations.
     *
     * @return the length
     */
    public int length() {
        return times.length;
    }

    /**
     * The observation width.
     *
     * @return the number of values per observation
     */
    public int dim() {
        return values[0].length;
    }

    /**
     * The index of an observation time.
     *
     * @param t a time
     * @return its index, or a negative number if {@code t} is not an observation time
     */
    public int indexOf(double t) {
        return Arrays.binarySearch(times, t);
    }
}
