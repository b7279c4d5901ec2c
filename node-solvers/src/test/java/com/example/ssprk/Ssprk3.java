package com.example.ssprk;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;

/**
 * A method defined outside the library, with public API only: the three-stage, third-order strong
 * stability preserving Runge–Kutta method SSPRK3 (C.-W. Shu, S. Osher, <i>Efficient implementation
 * of essentially non-oscillatory shock-capturing schemes</i>, J. Comput. Phys. 77, 1988),
 * <pre>
 *    0  |
 *    1  | 1
 *   1/2 | 1/4  1/4
 *   ----+----------------
 *       | 1/6  1/6  2/3
 * </pre>
 * fixed step, not FSAL, with its "free" second-order dense output (D. I. Ketcheson, L. Lóczi,
 * A. Jangabylova, A. Kusmanov, <i>Dense output for strong stability preserving Runge–Kutta
 * methods</i>, J. Sci. Comput. 71, 2017):
 * {@code u(θ) = (1 − θ²) y0 + θ² y1 + θ(1 − θ) h f(t, y0)}, that is
 * {@code w_1 = θ − 5θ²/6, w_2 = θ²/6, w_3 = 2θ²/3} and 0 for {@code f(t + h, y1)}.
 */
public final class Ssprk3 {

    /** The method, registered by the tests under {@code "ssprk3"}. */
    public static final ButcherTableau SSPRK3 = new ButcherTableau("ssprk3", 3, 0,
            new double[][] {{}, {1}, {0.25, 0.25}},
            new double[] {1.0 / 6, 1.0 / 6, 2.0 / 3},
            new double[] {0, 1, 0.5}, null, false)
            .withContinuousExtension(ContinuousExtension.of(2, new double[][] {
                {1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3}, {0, 0}}));   // K_1, K_2, K_3, f(t+h, y1)

    private Ssprk3() {
    }
}
