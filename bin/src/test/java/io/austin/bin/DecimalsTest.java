package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void printsAsFormatterDoes() {
        double[] edges = {0, -0.0, 0.005, 0.015, 0.025, 0.125, 1.005, 2.675, 99.995, 99.9949999, 100, 1e-9, 12345678.9,
            0.5, 1.5, 2.5, -1.005, Double.NaN, Double.POSITIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE};
        for (double d : edges) {
            for (int places = 1; places <= 2; places++) {
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", d), Decimals.fixed(d, places), "" + d);
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // ratios and seconds as the statistics print them: many values, and many exactly on a half
            double d = i % 2 == 0 ? random.nextDouble() * Math.pow(10, random.nextInt(7))
                    : random.nextInt(1_000_000) / 1000.0 + 0.005;
            int places = 1 + i % 2;
            assertEquals(String.format(Locale.ROOT, "%." + places + "f", d), Decimals.fixed(d, places), "" + d);
        }
    }
}
