package io.austin.formats;

/** Full mode only (MOJO event 8): the thread was not running on a CPU when sampled. */
public record IdleMarker() implements StackEvent {
    /** The one instance; the record has no state. */
    public static final IdleMarker INSTANCE = new IdleMarker();

    @Override
    public Kind kind() {
        return Kind.IDLE_MARKER;
    }
}
