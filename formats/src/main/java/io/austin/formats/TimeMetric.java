package io.austin.formats;

/**
 * The time metric of a sample (MOJO event 9): microseconds since the previous pass over the process.
 *
 * @param value microseconds
 */
public record TimeMetric(long value) implements StackEvent {
    @Override
    public Kind kind() {
        return Kind.TIME_METRIC;
    }
}
