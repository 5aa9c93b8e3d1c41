package io.austin.formats;

/**
 * One event of an Austin profile as the codecs read and write it, in the order Austin emits them.
 *
 * <p>The model mirrors the MOJO event stream so that MOJO and collapsed text can be read and re-encoded exactly. A
 * sample is a {@link StackHeader} followed by its definitions, markers and {@link FrameRef}s (root first), and ends
 * with its metrics: {@link TimeMetric} (wall, cpu), {@link MemoryMetric} (memory), or time, optional
 * {@link IdleMarker} and memory (full). {@link Metadata} before the first sample is the header, after it the footer.
 * Most consumers want whole samples instead: {@link StackEvents#samples} assembles them into {@link Sample}s.
 *
 * <p>References are always resolved: a {@link FrameRef} carries its {@link Frame}, so consumers never keep string or
 * frame tables. Definitions ({@link StringDef}, {@link FrameDef}) are carried only so that MOJO can be re-encoded
 * byte for byte. All events are immutable values.
 */
public sealed interface StackEvent
        permits Metadata, StackHeader, StringDef, StringRef, FrameDef, FrameRef, InvalidFrame, KernelFrame,
                GcMarker, IdleMarker, TimeMetric, MemoryMetric {

    /** The kinds of event, one per record, for switch expressions that the compiler checks for completeness. */
    enum Kind {
        /** {@link Metadata}. */
        METADATA,
        /** {@link StackHeader}. */
        STACK_HEADER,
        /** {@link StringDef}. */
        STRING_DEF,
        /** {@link StringRef}. */
        STRING_REF,
        /** {@link FrameDef}. */
        FRAME_DEF,
        /** {@link FrameRef}. */
        FRAME_REF,
        /** {@link InvalidFrame}. */
        INVALID_FRAME,
        /** {@link KernelFrame}. */
        KERNEL_FRAME,
        /** {@link GcMarker}. */
        GC_MARKER,
        /** {@link IdleMarker}. */
        IDLE_MARKER,
        /** {@link TimeMetric}. */
        TIME_METRIC,
        /** {@link MemoryMetric}. */
        MEMORY_METRIC
    }

    /** Which kind of event this is. */
    Kind kind();
}
