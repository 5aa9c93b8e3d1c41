package io.austin.sampler.internal.linux;

import io.austin.sampler.SamplerException;
import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A process's memory as the sampler reads it: through {@code process_vm_readv} ({@link ProcessVmMemory}, one system
 * call per pass) once the native binding is made, and through {@code /proc/PID/mem} ({@link ProcMemFile}, pure Java)
 * until then, so that a run's first samples do not wait for the binding (see {@link NativeBinding}). The switch
 * happens between two calls, at most once; if {@code process_vm_readv} cannot be opened then, the file stays.
 *
 * <p>A {@code /proc/PID/mem} file reads the address space the process had when the file was opened: a target that
 * execs (a launcher, a shim, or a program just spawned, still the JVM's launch helper) leaves it reading nothing. The
 * file is therefore opened at the first read (the opening only checks that it can be), and a read that finds its
 * address space gone opens it again and is tried again on the new one.
 *
 * <p>Read-only, like both of its readers. Not thread-safe.
 */
public final class ProcessMemory implements RemoteMemory {
    private final int pid;
    private final BooleanSupplier nativeReady;
    private ProcMemFile file;
    private RemoteMemory current;
    private boolean switched;
    private long closedCalls;

    private ProcessMemory(int pid, BooleanSupplier nativeReady) {
        this.pid = pid;
        this.nativeReady = nativeReady;
    }

    /**
     * The memory of process {@code pid}: {@link ProcessVmMemory} when the binding is made, a reader that starts
     * with {@code /proc/PID/mem} and moves to it while it is being made, and {@code /proc/PID/mem} alone where it
     * cannot be made (no JNA for this machine). Where the file may not be opened but the process may be read (another
     * user's process, with CAP_SYS_PTRACE alone), the binding is made now and waited for.
     *
     * @throws io.austin.sampler.SamplerException as {@link ProcessVmMemory#open} and {@link ProcMemFile#open}
     */
    public static RemoteMemory open(int pid) {
        if (NativeBinding.bound()) {
            return ProcessVmMemory.open(pid);
        }
        if (NativeBinding.settled()) {
            return ProcMemFile.open(pid);
        }
        try {
            return open(pid, Bound.INSTANCE);
        } catch (SamplerException e) {
            if (e.reason() != SamplerException.Reason.PERMISSION || !NativeBinding.bindNow()) {
                throw e;
            }
            // The file is the target user's (mode 0600): with CAP_SYS_PTRACE alone, another user's process is
            // readable through process_vm_readv only, which is then waited for.
            return ProcessVmMemory.open(pid);
        }
    }

    /** Starts with {@code /proc/PID/mem}, switching to {@code process_vm_readv} once {@code nativeReady} says so. */
    static ProcessMemory open(int pid, BooleanSupplier nativeReady) {
        ProcMemFile.open(pid).close(); // no such process, or no permission: said now
        return new ProcessMemory(pid, nativeReady);
    }

    /** Whether reads go through {@code process_vm_readv} now. */
    boolean switched() {
        return switched;
    }

    private RemoteMemory reader() {
        if (!switched && nativeReady.getAsBoolean()) {
            switched = true;
            try {
                current = ProcessVmMemory.open(pid);
                if (file != null) {
                    closedCalls += file.calls();
                    file.close();
                    file = null;
                }
            } catch (RuntimeException e) {
                // not readable that way (or gone): the file it has been is what it stays
            }
        }
        if (current == null) {
            try {
                file = ProcMemFile.open(pid);
                current = file;
            } catch (RuntimeException gone) {
                return null; // the read fails; the next one tries again
            }
        }
        return current;
    }

    @Override
    public boolean read(long address, ByteBuffer dst, int dstOffset, int length) {
        RemoteMemory m = reader();
        if (m == null) {
            return false;
        }
        if (m.read(address, dst, dstOffset, length)) {
            return true;
        }
        return m == file && reopened() && file.read(address, dst, dstOffset, length);
    }

    @Override
    public int readBatch(long[] addresses, int[] lengths, int[] dstOffsets, int count, ByteBuffer dst) {
        RemoteMemory m = reader();
        if (m == null) {
            return 0;
        }
        int n = m.readBatch(addresses, lengths, dstOffsets, count, dst);
        if (n == count || m != file || !reopened()) {
            return n;
        }
        return file.readBatch(addresses, lengths, dstOffsets, count, dst);
    }

    /** After a failed read of the file: a fresh file, if the old one's address space is gone. */
    private boolean reopened() {
        if (!file.addressSpaceGone()) {
            return false;
        }
        try {
            ProcMemFile fresh = ProcMemFile.open(pid);
            closedCalls += file.calls();
            file.close();
            file = fresh;
            current = fresh;
            return true;
        } catch (RuntimeException gone) {
            return false;
        }
    }

    @Override
    public long calls() {
        return closedCalls + (current == null ? 0 : current.calls());
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
        if (file != null && file != current) {
            file.close();
        }
    }

    /**
     * {@link NativeBinding#bound()} as an object. Not a method reference: this runs between a program's spawn and its
     * attach, and linking a reference's call site there costs a cold JVM most of a millisecond.
     */
    private enum Bound implements BooleanSupplier {
        INSTANCE;

        @Override
        public boolean getAsBoolean() {
            return NativeBinding.bound();
        }
    }
}
