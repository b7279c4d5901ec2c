package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EulerDemoTest {

    @TempDir
    Path out;

    @Test
    void fittedOrdersMatchTheMethodsAndPlotsAreWritten() throws Exception {
        DemoResult r = DemoAssertions.run(new EulerDemo(), out, "--levels", "5");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("order_euler")).isCloseTo(1.0, within(0.15));
        assertThat(r.figure("order_rk4")).isCloseTo(4.0, within(0.3));
        assertThat(r.figure("order_dopri5")).isCloseTo(5.0, within(0.4));
        assertThat(r.figure("dopri5_error_rtol1e-8")).isLessThan(1e-6);
        DemoAssertions.validPngs(r, 4);
    }

    @Test
    void slopeOfAPowerLawIsItsExponent() {
        double[] h = {0.1, 0.05, 0.025};
        double[] e = {3 * 1e-3, 3 * 1.25e-4, 3 * 1.5625e-5};
        assertThat(EulerDemo.slope(h, e)).isCloseTo(3.0, within(1e-9));
    }
}
