package io.austin.formats;

/**
 * One event of an Austin profile, in the order Austin emits them.
 *
 * <p>The model mirrors the MOJO event stream (spec Part B) so that every source (the sampler, a MOJO file, a
 * collapsed-text file) and every sink (MOJO, text, speedscope, pprof) speak the same language. A sample is a
 * {@link StackHeader} followed by its definitions, markers and {@link FrameRef}s (root first), and ends with its
 * metrics: {@link TimeMetric} (wall, cpu), {@link MemoryMetric} (memory), or time, optional {@link IdleMarker}
 * and memory (full). {@link Metadata} before the first sample is the header, after it the footer.
 *
 * <p>References are always resolved: a {@link FrameRef} carries its {@link Frame}, so consumers never keep
 * string or frame tables. Definitions ({@link StringDef}, {@link FrameDef}) are carried only so that MOJO can be
 * re-encoded byte for byte; a consumer that does not write MOJO can ignore them.
 *
 * <p>All events are immutable values.
 */
public sealed interface StackEvent
        permits Metadata, StackHeader, StringDef, StringRef, FrameDef, FrameRef, InvalidFrame, KernelFrame,
                GcMarker, IdleMarker, TimeMetric, MemoryMetric {
}
