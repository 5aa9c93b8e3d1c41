package io.austin.sampler.python;

import io.austin.sampler.RemoteMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test-only {@link RemoteMemory} over {@code /proc/PID/mem} with positional reads (needs ptrace access: root here).
 * {@link #calls()} counts logical operations as {@code process_vm_readv} would make them (a batch is one);
 * {@link #preads()} counts the positional reads actually done.
 */
final class ProcMemory implements RemoteMemory {
    private final FileChannel channel;
    private long calls;
    private long preads;

    ProcMemory(long pid) throws IOException {
        channel = FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
    }

    private boolean copy(long address, ByteBuffer dst, int dstOffset, int length) {
        if (address < 0 || length < 0) {
            return false;
        }
        ByteBuffer d = dst.duplicate();
        d.limit(dstOffset + length).position(dstOffset);
        long at = address;
        try {
            while (d.hasRemaining()) {
                preads++;
                int n = channel.read(d, at);
                if (n <= 0) {
                    return false;
                }
                at += n;
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public boolean read(long address, ByteBuffer dst, int dstOffset, int length) {
        calls++;
        return copy(address, dst, dstOffset, length);
    }

    @Override
    public int readBatch(long[] addresses, int[] lengths, int[] dstOffsets, int count, ByteBuffer dst) {
        calls++;
        for (int i = 0; i < count; i++) {
            if (!copy(addresses[i], dst, dstOffsets[i], lengths[i])) {
                return i;
            }
        }
        return count;
    }

    @Override
    public long calls() {
        return calls;
    }

    long preads() {
        return preads;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do: the descriptor is gone either way
        }
    }
}
