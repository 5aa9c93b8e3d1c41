package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader a run starts with: {@code /proc/PID/mem} while the native binding is being made, {@code process_vm_readv}
 * from the first call after it is; the same bytes either way.
 */
class ProcessMemoryTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final int RANGES = 8;

    @BeforeAll
    static void bind() {
        assumeTrue(NativeBinding.bindNow(), "JNA");
    }

    @Test
    void readsThroughTheFileUntilTheBindingIsMadeThenInOneSystemCallPerBatch() {
        ByteBuffer source = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < source.capacity(); i++) {
            source.put(i, (byte) (i * 13 + 5));
        }
        long base = Pointer.nativeValue(Native.getDirectBufferPointer(source));
        long[] addresses = new long[RANGES];
        int[] lengths = new int[RANGES];
        int[] offsets = new int[RANGES];
        for (int i = 0; i < RANGES; i++) {
            addresses[i] = base + 300L * i;
            lengths[i] = 24 + i;
            offsets[i] = 64 * i;
        }
        AtomicBoolean bound = new AtomicBoolean();
        try (ProcessMemory memory = ProcessMemory.open(SELF, bound::get)) {
            ByteBuffer before = ByteBuffer.allocate(1024);
            assertEquals(RANGES, memory.readBatch(addresses, lengths, offsets, RANGES, before));
            assertFalse(memory.switched());
            assertEquals(RANGES, memory.calls(), "through the file: one read per range");

            bound.set(true);
            ByteBuffer after = ByteBuffer.allocate(1024);
            assertEquals(RANGES, memory.readBatch(addresses, lengths, offsets, RANGES, after));
            assertTrue(memory.switched());
            assertEquals(RANGES + 2, memory.calls(), "through process_vm_readv: its opening probe, one call for the batch");
            assertEquals(before, after);
            for (int i = 0; i < RANGES; i++) {
                for (int j = 0; j < lengths[i]; j++) {
                    assertEquals(source.get(300 * i + j), after.get(offsets[i] + j), "range " + i + " byte " + j);
                }
            }
            ByteBuffer one = ByteBuffer.allocate(8);
            assertTrue(memory.read(base + 8, one, 0, 8));
            assertEquals(source.getLong(8), one.getLong(0));
            assertFalse(memory.read(0x10, one, 0, 8), "an unmapped address fails either way");
        }
    }

    /** A {@code /proc/PID/mem} file reads the address space of its opening: after an exec it is opened again. */
    @Test
    void aTargetThatExecsIsReadInItsNewImage() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "read line; exec sleep 30").start();
        try (ProcessMemory memory = ProcessMemory.open((int) shell.pid(), () -> false)) {
            Path exe = Path.of("/proc/" + shell.pid() + "/exe");
            String shellExe = Files.readSymbolicLink(exe).toString();
            assertTrue(memory.read(firstMapping((int) shell.pid(), shellExe).start(), ByteBuffer.allocate(4), 0, 4),
                    "the shell's image, read before the exec");
            try (OutputStream in = shell.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.readSymbolicLink(exe).toString().equals(shellExe) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(5); // the exec has replaced the address space; let the maps settle
            ProcMaps.Mapping first = firstMapping((int) shell.pid(), Files.readSymbolicLink(exe).toString());
            ByteBuffer elf = ByteBuffer.allocate(4);
            assertTrue(memory.read(first.start(), elf, 0, 4), "read in the new image");
            assertEquals(0x7f, elf.get(0));
            assertEquals('E', elf.get(1));
            assertEquals('L', elf.get(2));
            assertEquals('F', elf.get(3));
            assertFalse(memory.switched());
            assertEquals(3, memory.calls(), "the shell's read, the stale file's, the new file's");
        } finally {
            shell.destroyForcibly();
            shell.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static ProcMaps.Mapping firstMapping(int pid, String path) {
        for (ProcMaps.Mapping m : ProcMaps.read(pid).mappings()) {
            if (m.readable() && m.path().equals(path)) {
                return m;
            }
        }
        throw new AssertionError(path + " is not mapped in " + pid);
    }
}
