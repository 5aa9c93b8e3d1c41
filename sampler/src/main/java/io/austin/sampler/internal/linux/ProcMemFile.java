package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.RemoteMemory;
import io.austin.sampler.SamplerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads another process's memory through {@code /proc/PID/mem} with positional reads: the pure-Java alternative
 * to {@link ProcessVmMemory}, for machines without JNA and as an independent check in tests. It needs the same
 * ptrace access. Each range is one {@code pread}, so {@link #readBatch} costs one call per range.
 *
 * <p>One difference: the kernel serves {@code /proc/PID/mem} with forced access, so it also reads mappings
 * without read permission ({@code ---p}, e.g. reserved or guard areas), where {@code process_vm_readv} fails.
 *
 * <p>Opened read-only: it never writes to the target. Not thread-safe.
 */
public final class ProcMemFile implements RemoteMemory {
    private final int pid;
    private final Path path;
    private FileChannel channel;
    /** A view of the last destination buffer, reused so that reads do not allocate. */
    private ByteBuffer view;
    private ByteBuffer viewOf;
    private long calls;
    private boolean closed;
    private boolean addressSpaceGone;

    private ProcMemFile(final int pid, final Path path, final FileChannel channel) {
        this.pid = pid;
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens {@code /proc/PID/mem} for reading.
     *
     * @throws SamplerException NO_SUCH_PROCESS if there is no such process, PERMISSION if access is denied
     */
    public static ProcMemFile open(final int pid) {
        final Path path = ProcPath.SYSTEM.of(pid, "mem");
        try {
            return new ProcMemFile(pid, path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (final NoSuchFileException e) {
            throw new SamplerException(SamplerException.Reason.NO_SUCH_PROCESS, "No process with PID " + pid, e);
        } catch (final AccessDeniedException e) {
            throw new SamplerException(SamplerException.Reason.PERMISSION, "Insufficient permissions to open " + path
                    + " (need root, CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=0)", e);
        } catch (final IOException e) {
            throw new SamplerException(SamplerException.Reason.CANNOT_ATTACH,
                    "Cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the last failed read found the address space this file was opened on gone (the process has exec'd,
     * or ended): a file opened now reads the new one.
     */
    public boolean addressSpaceGone() {
        return addressSpaceGone;
    }

    /** The target's PID. */
    public int pid() {
        return pid;
    }

    @Override
    public boolean read(final long address, final ByteBuffer dst, final int dstOffset, final int length) {
        if (closed) {
            throw new IllegalStateException("ProcMemFile for PID " + pid + " is closed");
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (dstOffset < 0 || length < 0 || dstOffset > dst.capacity() - length) {
            throw new IndexOutOfBoundsException("range [" + dstOffset + ", +" + length + ") outside a buffer of "
                    + dst.capacity() + " bytes");
        }
        if (length == 0) {
            return true;
        }
        // Addresses above 2^63 (kernel space) are not valid file positions.
        if (address < 0 || address > Long.MAX_VALUE - length) {
            return false;
        }
        if (dst != viewOf) {
            view = dst.duplicate();
            viewOf = dst;
        }
        view.limit(dstOffset + length).position(dstOffset);
        try {
            final FileChannel ch = channel();
            long at = address;
            while (view.hasRemaining()) {
                calls++;
                final int n = ch.read(view, at);
                if (n <= 0) {
                    // The kernel answers 0 (end of file) when the address space this file was opened on is gone:
                    // the process has exec'd (or ended). An unreadable address is EIO instead.
                    addressSpaceGone = n < 0;
                    return false;
                }
                at += n;
            }
            return true;
        } catch (final ClosedByInterruptException e) {
            // The interrupt closed the channel; the caller sees the interrupt flag. Reopen on the next read.
            channel = null;
            return false;
        } catch (final IOException e) {
            // EIO: an unmapped address. Other errors equally mean "this range could not be read".
            return false;
        }
    }

    @Override
    public int readBatch(final long[] addresses, final int[] lengths, final int[] dstOffsets, final int count,
            final ByteBuffer dst) {
        if (count < 0 || count > addresses.length || count > lengths.length || count > dstOffsets.length) {
            throw new IndexOutOfBoundsException("count " + count + " exceeds the arrays");
        }
        for (int i = 0; i < count; i++) {
            if (!read(addresses[i], dst, dstOffsets[i], lengths[i])) {
                return i;
            }
        }
        return count;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        return channel;
    }

    @Override
    public long calls() {
        return calls;
    }

    @Override
    public void close() {
        closed = true;
        viewOf = null;
        view = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException e) {
                // Nothing to do: the descriptor is gone either way.
            }
            channel = null;
        }
    }
}
