package io.austin.converters.profile;

import io.austin.formats.Mode;
import java.util.List;

/** What one value of a profile measures, and the values each {@link Mode} gives a sample. */
public enum Metric {
    /** Time on a CPU, µs: a full-mode sample's time when it was not idle, a cpu-mode sample's time. */
    CPU_TIME("CPU time", true),
    /** Wall-clock time, µs. */
    WALL_TIME("Wall time", true),
    /** Memory the process's resident set grew by, bytes: the positive part of a memory delta. */
    ALLOCATED("Memory allocation", false),
    /** Memory the resident set shrank by, bytes: the size of a negative memory delta. */
    DEALLOCATED("Memory deallocation", false);

    private static final List<Metric> WALL = List.of(WALL_TIME);
    private static final List<Metric> CPU = List.of(CPU_TIME);
    private static final List<Metric> MEMORY = List.of(ALLOCATED, DEALLOCATED);
    private static final List<Metric> FULL = List.of(CPU_TIME, WALL_TIME, ALLOCATED, DEALLOCATED);

    private final String title;
    private final boolean time;

    Metric(String title, boolean time) {
        this.title = title;
        this.time = time;
    }

    /** A title for the metric, as the converters name their profiles ({@code "Wall time"}, ...). */
    public String title() {
        return title;
    }

    /** Whether the values are microseconds (else bytes). */
    public boolean isTime() {
        return time;
    }

    /** The metrics of a mode, in the order {@link ProfileBuilder#values} gives them. */
    public static List<Metric> of(Mode mode) {
        return switch (mode) {
            case WALL -> WALL;
            case CPU -> CPU;
            case MEMORY -> MEMORY;
            case FULL -> FULL;
        };
    }
}
