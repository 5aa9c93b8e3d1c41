package io.austin.formats;

/** What the metrics of a profile's samples measure (the {@code mode} metadata). */
public enum Mode {
    /** Wall-clock time, every thread ({@code wall}): one time metric, µs. */
    WALL("wall"),
    /** Time, only threads that were on a CPU ({@code cpu}, Austin's {@code -s}): one time metric, µs. */
    CPU("cpu"),
    /** Resident memory ({@code memory}, {@code -m}): one signed memory delta, bytes. */
    MEMORY("memory"),
    /** Time, idle flag and memory delta ({@code full}, {@code -f}). */
    FULL("full");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    /** The value of the {@code mode} metadata. */
    public String text() {
        return text;
    }

    /** The mode a {@code mode} metadata value names, or null when the value is not a mode. */
    public static Mode of(String text) {
        for (Mode m : values()) {
            if (m.text.equals(text)) {
                return m;
            }
        }
        return null;
    }

    /** Whether samples of this mode carry a time metric. */
    public boolean hasTime() {
        return this != MEMORY;
    }

    /** Whether samples of this mode carry a memory metric. */
    public boolean hasMemory() {
        return this == MEMORY || this == FULL;
    }
}
