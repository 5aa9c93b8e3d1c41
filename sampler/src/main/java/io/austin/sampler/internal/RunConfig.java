package io.austin.sampler.internal;

import io.austin.formats.Mode;
import io.austin.sampler.SamplerOptions;
import java.util.function.LongSupplier;

/** What every pass of a run needs from the options, resolved once: mode, GC marking, interval, clock. */
final class RunConfig {
    final Mode mode;
    final boolean gc;
    final long intervalMicros;
    final long intervalNanos;
    final LongSupplier clock;

    RunConfig(SamplerOptions options, LongSupplier clock) {
        this.mode = options.mode();
        this.gc = options.gc();
        this.intervalMicros = options.intervalMicros();
        this.intervalNanos = options.interval().toNanos();
        this.clock = clock;
    }
}
