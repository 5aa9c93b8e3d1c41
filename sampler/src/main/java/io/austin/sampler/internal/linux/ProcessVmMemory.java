package io.austin.sampler.internal.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.austin.sampler.internal.RemoteMemory;
import io.austin.sampler.SamplerException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads another process's memory with {@code process_vm_readv(2)}, bound through JNA direct mapping.
 *
 * <p>The {@code struct iovec} arrays live in native memory allocated once per instance and reused, so a read
 * allocates nothing on the Java heap. A direct destination buffer is written in place; a heap buffer is filled
 * through a reusable native scratch area. A batch of up to {@value #MAX_RANGES} ranges is one system call.
 *
 * <p>Never writes to the target and never stops it. Not thread-safe.
 */
public final class ProcessVmMemory implements RemoteMemory {
    /** Ranges per system call; larger batches are split. Far below the kernel's IOV_MAX (1024). */
    public static final int MAX_RANGES = 64;

    private static final int IOVEC_SIZE = 16;
    private static final long MIN_SCRATCH = 64 * 1024;
    private static final long MAX_SCRATCH = 1L << 30;
    private static final int PROBE_ATTEMPTS = 8;

    private final int pid;
    private final Memory localIov = new Memory((long) MAX_RANGES * IOVEC_SIZE);
    private final Memory remoteIov = new Memory((long) MAX_RANGES * IOVEC_SIZE);
    /** Views of the two arrays, written with plain stores: JNA's {@code setLong} is a native call per word. */
    private final ByteBuffer local = localIov.getByteBuffer(0, localIov.size()).order(ByteOrder.nativeOrder());
    private final ByteBuffer remote = remoteIov.getByteBuffer(0, remoteIov.size()).order(ByteOrder.nativeOrder());
    private Memory scratch;
    /** The last direct buffer seen and its native address: getting the address allocates, so it is cached. */
    private ByteBuffer directBuffer;
    private long directAddress;
    private long calls;
    private int lastErrno;
    private boolean closed;

    private ProcessVmMemory(final int pid) {
        this.pid = pid;
    }

    /** True if the native binding is usable on this machine (JNA loaded, libc found). */
    public static boolean isSupported() {
        return LibC.available();
    }

    /**
     * Opens a process for reading and checks once that its memory can actually be read.
     *
     * @throws SamplerException NO_SUCH_PROCESS if there is no such process, PERMISSION if the caller may not read
     *         it (ptrace access mode: root, same user with a permissive Yama scope, or CAP_SYS_PTRACE),
     *         CANNOT_ATTACH if the native binding is unavailable or nothing readable was found
     */
    public static ProcessVmMemory open(final int pid) {
        if (!LibC.available()) {
            throw new SamplerException(SamplerException.Reason.CANNOT_ATTACH,
                    "process_vm_readv is unavailable: " + LibC.loadFailure(), LibC.loadFailure());
        }
        if (pid <= 0 || !Files.isDirectory(ProcPath.SYSTEM.process(pid))) {
            throw new SamplerException(SamplerException.Reason.NO_SUCH_PROCESS, "No process with PID " + pid);
        }
        final ProcMaps maps = ProcMaps.read(pid);
        final ProcessVmMemory mem = new ProcessVmMemory(pid);
        try {
            mem.probe(maps);
            return mem;
        } catch (final RuntimeException e) {
            mem.close();
            throw e;
        }
    }

    /** Reads one word from a few readable mappings; the first definite answer decides. */
    private void probe(final ProcMaps maps) {
        final ByteBuffer one = ByteBuffer.allocate(8);
        int tried = 0;
        for (final ProcMaps.Mapping m : maps.mappings()) {
            // vsyscall/vvar pages are special and may refuse the read even when the process is readable.
            if (!m.readable() || m.path().startsWith("[v") || m.end() - m.start() < 8) {
                continue;
            }
            if (read(m.start(), one, 0, 8)) {
                return;
            }
            if (lastErrno != LibC.EFAULT || ++tried >= PROBE_ATTEMPTS) {
                throw failure(pid, lastErrno);
            }
        }
        throw new SamplerException(SamplerException.Reason.CANNOT_ATTACH,
                "Process " + pid + " has no readable memory (exited, or a kernel thread)");
    }

    /** Maps an errno from the first read to the sampler's reasons. */
    static SamplerException failure(final int pid, final int errno) {
        switch (errno) {
            case LibC.EPERM:
            case LibC.EACCES:
                return new SamplerException(SamplerException.Reason.PERMISSION, "Insufficient permissions to read the"
                        + " memory of process " + pid + " (need root, CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=0)");
            case LibC.ESRCH:
                return new SamplerException(SamplerException.Reason.NO_SUCH_PROCESS, "No process with PID " + pid);
            default:
                return new SamplerException(SamplerException.Reason.CANNOT_ATTACH,
                        "Cannot read memory of process " + pid + " (errno " + errno + ")");
        }
    }

    /** The target's PID. */
    public int pid() {
        return pid;
    }

    /** The errno of the last failed system call (0 if none failed yet), e.g. 14 (EFAULT) for an unmapped address. */
    public int lastErrno() {
        return lastErrno;
    }

    @Override
    public boolean read(final long address, final ByteBuffer dst, final int dstOffset, final int length) {
        ensureOpen();
        checkRange(dst, dstOffset, length);
        if (length == 0) {
            return true;
        }
        if (dst.isDirect()) {
            local.putLong(0, bufferAddress(dst) + dstOffset);
        } else {
            ensureScratch(length);
            local.putLong(0, Pointer.nativeValue(scratch));
        }
        local.putLong(8, length);
        remote.putLong(0, address);
        remote.putLong(8, length);
        if (syscall(1) != length) {
            return false;
        }
        if (!dst.isDirect()) {
            scratch.read(0, dst.array(), dst.arrayOffset() + dstOffset, length);
        }
        return true;
    }

    @Override
    public int readBatch(final long[] addresses, final int[] lengths, final int[] dstOffsets, final int count,
            final ByteBuffer dst) {
        ensureOpen();
        if (count < 0 || count > addresses.length || count > lengths.length || count > dstOffsets.length) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds the arrays");
        }
        for (int i = 0; i < count; i++) {
            checkRange(dst, dstOffsets[i], lengths[i]);
        }
        int done = 0;
        while (done < count) {
            final int chunk = Math.min(MAX_RANGES, count - done);
            final int ok = readChunk(addresses, lengths, dstOffsets, done, chunk, dst);
            done += ok;
            if (ok < chunk) {
                break;
            }
        }
        return done;
    }

    /** One system call for ranges {@code [from, from + n)}; returns how many leading ranges were complete. */
    private int readChunk(final long[] addresses, final int[] lengths, final int[] dstOffsets, final int from,
            final int n, final ByteBuffer dst) {
        final boolean direct = dst.isDirect();
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += lengths[from + i];
        }
        if (total == 0) {
            return n;
        }
        final long base;
        if (direct) {
            base = bufferAddress(dst);
        } else {
            ensureScratch(total);
            base = Pointer.nativeValue(scratch);
        }
        long packed = 0;
        for (int i = 0; i < n; i++) {
            final int len = lengths[from + i];
            final int slot = i * IOVEC_SIZE;
            // Heap buffers: ranges are packed back to back in the scratch area and copied out afterwards.
            local.putLong(slot, direct ? base + dstOffsets[from + i] : base + packed);
            local.putLong(slot + 8, len);
            remote.putLong(slot, addresses[from + i]);
            remote.putLong(slot + 8, len);
            packed += len;
        }
        final long copied = syscall(n);
        int complete = 0;
        long end = 0;
        for (int i = 0; i < n; i++) {
            end += lengths[from + i];
            if (end > copied) {
                break;
            }
            complete++;
        }
        if (!direct) {
            long at = 0;
            for (int i = 0; i < complete; i++) {
                final int len = lengths[from + i];
                scratch.read(at, dst.array(), dst.arrayOffset() + dstOffsets[from + i], len);
                at += len;
            }
        }
        return complete;
    }

    private long syscall(final int ranges) {
        calls++;
        final long n = LibC.process_vm_readv(pid, localIov, ranges, remoteIov, ranges, 0);
        if (n < 0) {
            lastErrno = Native.getLastError();
        }
        return n;
    }

    private long bufferAddress(final ByteBuffer dst) {
        if (dst != directBuffer) {
            directAddress = Pointer.nativeValue(Native.getDirectBufferPointer(dst));
            directBuffer = dst;
        }
        return directAddress;
    }

    private void ensureScratch(final long bytes) {
        if (scratch != null && scratch.size() >= bytes) {
            return;
        }
        if (bytes > MAX_SCRATCH) {
            throw new IllegalArgumentException("a single read of " + bytes + " bytes is too large");
        }
        if (scratch != null) {
            scratch.close();
        }
        // Grows rarely (to the largest read seen), so steady-state sampling does not allocate.
        scratch = new Memory(Math.max(MIN_SCRATCH, Long.highestOneBit(bytes - 1) << 1));
    }

    private static void checkRange(final ByteBuffer dst, final int offset, final int length) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (!dst.isDirect() && !dst.hasArray()) {
            throw new IllegalArgumentException("heap buffer without an accessible array");
        }
        if (offset < 0 || length < 0 || offset > dst.capacity() - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") outside a buffer of "
                    + dst.capacity() + " bytes");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ProcessVmMemory for PID " + pid + " is closed");
        }
    }

    @Override
    public long calls() {
        return calls;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        directBuffer = null;
        localIov.close();
        remoteIov.close();
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
