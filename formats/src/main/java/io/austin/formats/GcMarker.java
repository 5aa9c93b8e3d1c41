package io.austin.formats;

/** The {@code :GC:} marker (MOJO event 7): the process's garbage collector was running during the pass. */
public record GcMarker() implements StackEvent {
    /** The one instance; the record has no state. */
    public static final GcMarker INSTANCE = new GcMarker();

    @Override
    public Kind kind() {
        return Kind.GC_MARKER;
    }
}
