package io.austin.sampler.internal.python;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/** A sparse fake address space: mapped regions of bytes; anything else is unreadable. Counts calls like a syscall. */
final class FakeMemory implements RemoteMemory {
    private final TreeMap<Long, byte[]> regions = new TreeMap<>();
    private long[] starts = new long[0];
    private byte[][] arrays = new byte[0][];
    private long calls;
    private long bytesRead;

    /** Maps a zeroed region and returns a little-endian view on it for writing. */
    ByteBuffer map(long address, int size) {
        byte[] a = new byte[size];
        regions.put(address, a);
        index();
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    }

    void unmap(long address) {
        regions.remove(address);
        index();
    }

    private void index() {
        starts = new long[regions.size()];
        arrays = new byte[regions.size()][];
        int i = 0;
        for (Map.Entry<Long, byte[]> e : regions.entrySet()) {
            starts[i] = e.getKey();
            arrays[i++] = e.getValue();
        }
    }

    /** A writable view at an address inside a mapped region, positioned there. */
    ByteBuffer at(long address) {
        Map.Entry<Long, byte[]> e = regions.floorEntry(address);
        if (e == null || address >= e.getKey() + e.getValue().length) {
            throw new IllegalArgumentException("unmapped 0x" + Long.toHexString(address));
        }
        ByteBuffer b = ByteBuffer.wrap(e.getValue()).order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) (address - e.getKey()));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    void putLong(long address, long value) {
        at(address).putLong(0, value);
    }

    void putInt(long address, int value) {
        at(address).putInt(0, value);
    }

    void putByte(long address, int value) {
        at(address).put(0, (byte) value);
    }

    private boolean copy(long address, ByteBuffer dst, int dstOffset, int length) {
        // Sorted arrays and a binary search, no boxing: the walker's allocation test measures this path.
        int i = java.util.Arrays.binarySearch(starts, address);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0 || length < 0) {
            return false;
        }
        byte[] region = arrays[i];
        long off = address - starts[i];
        if (off + length > region.length) {
            return false;
        }
        dst.put(dstOffset, region, (int) off, length);
        bytesRead += length;
        return true;
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

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
    }
}
