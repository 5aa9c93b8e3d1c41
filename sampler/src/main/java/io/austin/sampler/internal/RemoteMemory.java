package io.austin.sampler.internal;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * Read-only access to another process's memory. The sampler's only way to look at its target: it never writes.
 *
 * <p>Implementations: the Linux one ({@code process_vm_readv} through JNA, in {@code io.austin.sampler.internal.linux})
 * and in-memory fakes for tests. Not thread-safe: one sampling thread uses an instance.
 *
 * <p>A read is all or nothing: a short count (a range straddling the end of a mapping) is a failed read.
 */
public interface RemoteMemory extends Closeable {
    /**
     * Copies {@code length} bytes from the remote {@code address} into {@code dst} at absolute index
     * {@code dstOffset}; the buffer's position and limit are not changed.
     *
     * @return true if every byte was copied, false if any part of the range could not be read
     */
    boolean read(long address, ByteBuffer dst, int dstOffset, int length);

    /**
     * Copies several remote ranges in one operation (one system call where possible). Range {@code i} is
     * {@code lengths[i]} bytes at {@code addresses[i]}, copied to {@code dst} at {@code dstOffsets[i]}.
     *
     * @return how many leading ranges were copied completely (0..count); ranges after the first failure are
     *         not copied
     */
    int readBatch(long[] addresses, int[] lengths, int[] dstOffsets, int count, ByteBuffer dst);

    /** How many system calls (or equivalent round trips) this instance has made, for statistics. */
    long calls();

    /** Releases native resources. Never throws. */
    @Override
    void close();
}
