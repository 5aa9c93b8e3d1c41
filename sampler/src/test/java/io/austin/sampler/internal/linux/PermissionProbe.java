package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.python.RuntimeLocator;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.austin.sampler.SamplerException;
import java.util.function.Supplier;

/**
 * Run by {@link PermissionTest} in a child JVM as an unprivileged user: tries every way in at a root-owned process
 * and prints one {@code name=REASON} line per way.
 */
public final class PermissionProbe {
    private PermissionProbe() {
    }

    public static void main(final String[] args) {
        final int pid = Integer.parseInt(args[0]);
        report("maps", () -> ProcMaps.read(pid));
        report("memfile", () -> ProcMemFile.open(pid));
        report("vm", () -> ProcessVmMemory.open(pid));
        report("locate", () -> RuntimeLocator.locate(pid, null));
        // The raw system call, to see the errno the kernel really gives and how it is mapped.
        try (Memory local = new Memory(16); Memory remote = new Memory(16); Memory buf = new Memory(8)) {
            local.setPointer(0, buf);
            local.setLong(8, 8);
            remote.setLong(0, 0x400000);
            remote.setLong(8, 8);
            final long n = LibC.process_vm_readv(pid, local, 1, remote, 1, 0);
            final int errno = Native.getLastError();
            System.out.println("syscall=" + (n < 0 ? ProcessVmMemory.failure(pid, errno).reason() : "OK") + " errno="
                    + errno);
        }
    }

    private static void report(final String name, final Supplier<?> attempt) {
        try {
            attempt.get();
            System.out.println(name + "=OK");
        } catch (final SamplerException e) {
            System.out.println(name + "=" + e.reason());
        }
    }
}
