package io.austin.sampler.internal.python;

/**
 * The frames a chain walk collected, leaf first: each frame's code object address, instruction offset (bytes, or
 * code units from 3.11) and owner kind (3.11+). Reused for every thread of every pass. Not thread-safe.
 */
final class ChainFrames {
    static final int MAX_DEPTH = 2048;

    final long[] code = new long[MAX_DEPTH];
    final int[] addrq = new int[MAX_DEPTH];
    final int[] owner = new int[MAX_DEPTH];
}
