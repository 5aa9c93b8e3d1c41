package io.austin.converters.internal;

/** Austin's sampling modes, which decide what a sample's metrics mean. Not API. */
public enum ProfileMode {
    /** Wall-clock time per sample. */
    WALL,
    /** CPU time per sample (idle threads not sampled). */
    CPU,
    /** A signed memory delta per sample. */
    MEMORY,
    /** Time, idle flag and memory delta per sample. */
    FULL;

    /** The mode a {@code mode} metadata value names, or null for an unknown name. */
    public static ProfileMode of(String name) {
        switch (name) {
            case "wall":
                return WALL;
            case "cpu":
                return CPU;
            case "memory":
                return MEMORY;
            case "full":
                return FULL;
            default:
                return null;
        }
    }
}
