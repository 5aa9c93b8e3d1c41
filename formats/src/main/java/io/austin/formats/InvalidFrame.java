package io.austin.formats;

/** The {@code :INVALID:} marker (MOJO event 4): the stack could not be fully read. */
public record InvalidFrame() implements StackEvent {
    /** The one instance; the record has no state. */
    public static final InvalidFrame INSTANCE = new InvalidFrame();

    @Override
    public Kind kind() {
        return Kind.INVALID_FRAME;
    }
}
