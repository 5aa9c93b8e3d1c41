package io.austin.bin;

import io.austin.formats.Mode;
import io.austin.sampler.SamplerOptions;
import java.time.Duration;

/** The sampling options that austin and austin-top take alike, from their command-line text. */
final class SamplingArguments {
    private SamplingArguments() {
    }

    /**
     * {@code base} with the interval ({@code us} by default, {@code ms}, {@code s}), the start-up time-out ({@code ms}
     * by default, {@code s}), the exposure ({@code s} by default, {@code ms}), the mode and the GC and children
     * switches; a null text keeps {@code base}'s value.
     *
     * @throws IllegalArgumentException for a malformed or zero value, with the message austin prints
     */
    static SamplerOptions apply(SamplerOptions base, String interval, String timeout, String exposure, Mode mode,
            boolean gc, boolean children) {
        SamplerOptions o = base;
        if (interval != null) {
            o = o.withInterval(Durations.parse(interval, "us", "us", "ms", "s"));
        }
        if (timeout != null) {
            Duration t = Durations.parse(timeout, "ms", "ms", "s");
            if (t.isZero()) {
                throw new IllegalArgumentException("timeout must be a positive integer");
            }
            o = o.withTimeout(t);
        }
        if (exposure != null) {
            Duration x = Durations.parse(exposure, "s", "s", "ms");
            if (x.isZero()) {
                throw new IllegalArgumentException("the exposure must be a positive integer");
            }
            o = o.withExposure(x);
        }
        return o.withMode(mode).withGc(gc).withChildren(children);
    }

    /** The mode the switches ask for: full, memory, CPU ({@code -s} or {@code -c}), or wall time. */
    static Mode mode(boolean full, boolean memory, boolean cpu) {
        return full ? Mode.FULL : memory ? Mode.MEMORY : cpu ? Mode.CPU : Mode.WALL;
    }

    /** A PID from its text; anything but a positive integer is an IllegalArgumentException "invalid PID '...'". */
    static int parsePid(String text) {
        try {
            int p = Integer.parseInt(text.strip());
            if (p <= 0) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid PID '" + text + "'");
        }
    }
}
