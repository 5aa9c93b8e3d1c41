package io.austin.formats;

/**
 * The memory metric of a sample (MOJO event 10): signed change of the process's resident set size in bytes.
 *
 * @param value bytes, negative when memory was released
 */
public record MemoryMetric(long value) implements StackEvent {
    @Override
    public Kind kind() {
        return Kind.MEMORY_METRIC;
    }
}
