/**
 * Reading CPython 3.8–3.14 stacks from outside the process, independent of how memory is read.
 *
 * <p>Entry point: {@link InterpreterWalker#create InterpreterWalker.create(memory, major, minor, runtimeAddress,
 * codeTypeAddress, pid)}; then {@link InterpreterWalker#walk()} once per sample. The {@link WalkResult} lists every
 * {@link ThreadStack} (interpreter id, native TID, frames root first as {@link io.austin.formats.FrameRef}s with
 * Austin's keys, invalid flag, GIL and GC hints). Layouts come from the bundled {@code offsets.json}
 * ({@link Layouts}) and, from 3.13, from the target's own {@code _Py_DebugOffsets} block ({@link DebugOffsets}).
 */
package io.austin.sampler.internal.python;
