package io.austin.sampler.internal;

import io.austin.formats.Metadata;
import io.austin.sampler.Personality;
import io.austin.sampler.PythonRuntime;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.internal.linux.ProcTasks;
import java.util.ArrayList;
import java.util.List;

/** A run's header and footer metadata, keys and order as the personality's Austin writes them. */
final class RunMetadata {
    private RunMetadata() {
    }

    /**
     * The header metadata in the order of the personality's Austin (3.7: spec A.3); {@code runtime} is null for a
     * parent that is not Python.
     */
    static List<Metadata> header(SamplerOptions options, RunConfig config, PythonRuntime runtime) {
        boolean four = options.personality() == Personality.AUSTIN_4;
        // Austin 4 always names the parent's Python, first in children mode; Austin 3.7 only in pipe mode.
        boolean python = runtime != null && (four || options.pipe());
        List<Metadata> out = new ArrayList<>(8);
        if (python && options.children()) {
            out.add(new Metadata("python", runtime.version()));
        }
        out.add(new Metadata("austin", options.personality().version()));
        out.add(new Metadata("interval", Long.toString(config.intervalMicros)));
        out.add(new Metadata("mode", config.mode.text()));
        if (config.mode.hasMemory()) {
            out.add(new Metadata("memory", Long.toString(ProcTasks.totalMemoryKiB())));
        }
        if (options.children()) {
            out.add(new Metadata("multiprocess", "on"));
        }
        if (four && options.gc()) {
            out.add(new Metadata("gc", "on"));
        }
        if (python && !options.children()) {
            out.add(new Metadata("python", runtime.version()));
        }
        return out;
    }

    /** The footer metadata: Austin 3.7's (spec A.9) or Austin 4's (spec B.15). */
    static List<Metadata> footer(SamplerOptions options, Counters c) {
        boolean four = options.personality() == Personality.AUSTIN_4;
        List<Metadata> out = new ArrayList<>(6);
        if (four && options.gc()) {
            out.add(new Metadata("gc", Long.toString(c.gcMicros)));
        }
        if (four) {
            out.add(new Metadata("count", Long.toString(c.samples)));
        }
        out.add(new Metadata("duration", Long.toString(c.durationMicros)));
        if (!four && options.gc()) {
            out.add(new Metadata("gc", Long.toString(c.gcMicros)));
        }
        if ((four || options.pipe()) && c.samples > 0) {
            out.add(new Metadata("sampling", c.minMicros() + "," + c.avgMicros() + "," + c.maxMicros));
            // Austin 3.7 counts long samples over samples, Austin 4 long passes over passes.
            out.add(new Metadata("saturation", four ? c.longTicks + "/" + c.ticks : c.saturated + "/" + c.samples));
            out.add(new Metadata("errors", c.errors + "/" + c.samples));
        }
        return out;
    }
}
