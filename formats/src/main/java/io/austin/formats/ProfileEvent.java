package io.austin.formats;

/**
 * An element of a profile as a stream of whole samples: {@link Metadata} (before the first sample the header, after
 * the last the footer) or a {@link Sample}. This is what the sampler emits and the converters consume; the codecs
 * speak {@link StackEvent}s, and {@link StackEvents} adapts one to the other.
 */
public sealed interface ProfileEvent permits Metadata, Sample {
    /** The kinds of profile event, for switch expressions that the compiler checks for completeness. */
    enum Type {
        /** A {@link Metadata} pair. */
        METADATA,
        /** A {@link Sample}. */
        SAMPLE
    }

    /** Which kind of profile event this is. */
    Type type();
}
