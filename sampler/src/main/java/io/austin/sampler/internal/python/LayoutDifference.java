package io.austin.sampler.internal.python;

/**
 * One offset where the target's {@code _Py_DebugOffsets} block disagrees with the built-in table. The walker trusts
 * the block; the sampler logs these.
 *
 * @param field      the normalized field name, e.g. {@code thread_state.current_frame}
 * @param tableValue the value in {@code offsets.json}, -1 if the table has none
 * @param blockValue the value in the live block
 */
public record LayoutDifference(String field, long tableValue, long blockValue) {
}
