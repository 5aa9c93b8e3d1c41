package io.austin.sampler.internal.python;

/** How a thread's frames are linked, by CPython version family: frame objects (3.8–3.10) or interpreter frames. */
sealed interface FrameChain permits FrameObjectChain, InterpreterFrameChain {
    /**
     * Follows the chain from the leaf frame {@code frame}, filling {@code out}.
     *
     * @param chunk     the thread's data-stack chunk (3.11+), or 0
     * @param preloaded a frame already read into the chain's buffer, or 0
     * @return the frame count, or {@code -(count + 1)} when the chain could not be followed to its end
     */
    int collect(long frame, long chunk, long preloaded, ChainFrames out);

    /**
     * Follows the chain again with every read made now, none taken from the pass's prefetch: for a chain that broke
     * because the thread's stack changed between the prefetch and the reads after it.
     *
     * @return as {@link #collect}
     */
    int collectLive(long frame, long chunk, ChainFrames out);
}
