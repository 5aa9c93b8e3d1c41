package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.python.RuntimeLocator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.austin.sampler.PythonRuntime;
import io.austin.sampler.internal.RemoteMemory;
import io.austin.sampler.SamplerException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads this JVM's own memory (a direct buffer with known contents stands in for the remote side), then a real
 * Python target through both readers.
 */
class ProcessVmMemoryTest {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final long UNMAPPED = 0x10;

    private final ByteBuffer source = ByteBuffer.allocateDirect(8192);
    private long base;
    private ProcessVmMemory memory;

    static List<String> interpreters() {
        return Targets.INTERPRETERS;
    }

    @BeforeEach
    void setUp() {
        for (int i = 0; i < source.capacity(); i++) {
            source.put(i, (byte) (i * 7 + 3));
        }
        base = Pointer.nativeValue(Native.getDirectBufferPointer(source));
        memory = ProcessVmMemory.open(SELF);
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    private byte expected(final long index) {
        return (byte) (index * 7 + 3);
    }

    private void assertCopied(final ByteBuffer dst, final int dstOffset, final long srcOffset, final int length) {
        for (int i = 0; i < length; i++) {
            assertEquals(expected(srcOffset + i), dst.get(dstOffset + i), "byte " + i);
        }
    }

    @Test
    void singleReadsIntoDirectAndHeapBuffers() {
        final ByteBuffer direct = ByteBuffer.allocateDirect(256);
        final long before = memory.calls();
        assertTrue(memory.read(base + 100, direct, 10, 200));
        assertCopied(direct, 10, 100, 200);
        assertEquals(0, direct.position(), "position untouched");

        // A heap slice has a non-zero array offset, which the copy-out must honour.
        final ByteBuffer heap = ByteBuffer.wrap(new byte[300], 50, 250).slice();
        assertTrue(memory.read(base + 1000, heap, 5, 240));
        assertCopied(heap, 5, 1000, 240);
        assertEquals(0, heap.get(0));
        assertEquals(before + 2, memory.calls());

        assertTrue(memory.read(base, heap, 0, 0), "an empty read succeeds");
    }

    @Test
    void unmappedAndStraddlingReadsFail() {
        final ByteBuffer dst = ByteBuffer.allocateDirect(64);
        assertFalse(memory.read(UNMAPPED, dst, 0, 8));
        assertEquals(LibC.EFAULT, memory.lastErrno());
        assertFalse(memory.read(UNMAPPED, ByteBuffer.allocate(8), 0, 8));

        final ProcMaps.Mapping edge = mappingFollowedByAGap();
        assertTrue(memory.read(edge.end() - 8, dst, 0, 8));
        assertFalse(memory.read(edge.end() - 8, dst, 0, 16), "a short count is a failed read");
        try (ProcMemFile file = ProcMemFile.open(SELF)) {
            assertTrue(file.read(edge.end() - 8, dst, 0, 8));
            assertFalse(file.read(edge.end() - 8, dst, 0, 16));
            assertFalse(file.read(UNMAPPED, dst, 0, 8));
            assertFalse(file.read(-4096, dst, 0, 8), "kernel addresses are not file positions");
        }
    }

    /**
     * A readable file mapping of this process with nothing mapped right after it. (Not merely unreadable memory:
     * /proc/PID/mem reads with FOLL_FORCE and so also reads PROT_NONE mappings, e.g. the JVM's reserved areas.)
     */
    private static ProcMaps.Mapping mappingFollowedByAGap() {
        final ProcMaps maps = ProcMaps.read(SELF);
        for (final ProcMaps.Mapping m : maps.mappings()) {
            if (m.readable() && m.isFile() && m.end() - m.start() >= 4096 && maps.find(m.end()).isEmpty()) {
                return m;
            }
        }
        assumeTrue(false, "no mapping followed by a gap");
        return null;
    }

    @Test
    void batchReturnsTheLeadingCompleteRangesInOneCall() {
        final long[] addresses = {base, base + 100, base + 4000, UNMAPPED, base + 50};
        final int[] lengths = {16, 32, 64, 8, 8};
        final int[] offsets = {0, 16, 48, 112, 120};
        for (final ByteBuffer dst : List.of(ByteBuffer.allocateDirect(128), ByteBuffer.allocate(128))) {
            final long before = memory.calls();
            assertEquals(3, memory.readBatch(addresses, lengths, offsets, addresses.length, dst));
            assertEquals(before + 1, memory.calls(), "exactly one system call");
            assertCopied(dst, 0, 0, 16);
            assertCopied(dst, 16, 100, 32);
            assertCopied(dst, 48, 4000, 64);
            assertEquals(0, dst.get(120), "ranges after the failure are not copied");

            assertEquals(2, memory.readBatch(addresses, lengths, offsets, 2, dst), "count limits the ranges");
            assertEquals(0, memory.readBatch(new long[] {UNMAPPED, base}, new int[] {8, 8}, new int[] {0, 8}, 2,
                    dst));
        }
    }

    @Test
    void largeBatchesAreSplitIntoChunksOf64() {
        final int n = 100;
        final long[] addresses = new long[n];
        final int[] lengths = new int[n];
        final int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = base + i * 80L;
            lengths[i] = 40;
            offsets[i] = i * 40;
        }
        for (final ByteBuffer dst : List.of(ByteBuffer.allocateDirect(n * 40), ByteBuffer.allocate(n * 40))) {
            long before = memory.calls();
            assertEquals(ProcessVmMemory.MAX_RANGES,
                    memory.readBatch(addresses, lengths, offsets, ProcessVmMemory.MAX_RANGES, dst));
            assertEquals(before + 1, memory.calls(), "64 ranges: one system call");
            before = memory.calls();
            assertEquals(n, memory.readBatch(addresses, lengths, offsets, n, dst));
            assertEquals(before + 2, memory.calls(), "100 ranges: two system calls");
            for (int i = 0; i < n; i++) {
                assertCopied(dst, i * 40, i * 80L, 40);
            }
            // A failure in the first chunk stops before the second chunk is tried.
            addresses[10] = UNMAPPED;
            before = memory.calls();
            assertEquals(10, memory.readBatch(addresses, lengths, offsets, n, dst));
            assertEquals(before + 1, memory.calls());
            addresses[10] = base + 800;
            // A failure in the second chunk: the first 64 count.
            addresses[70] = UNMAPPED;
            assertEquals(70, memory.readBatch(addresses, lengths, offsets, n, dst));
            addresses[70] = base + 70 * 80L;
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyRead() {
        final ByteBuffer dst = ByteBuffer.allocateDirect(16);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(base, dst, 10, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(base, dst, -1, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(base, ByteBuffer.allocate(4), 0, 8));
        assertThrows(ReadOnlyBufferException.class, () -> memory.read(base, dst.asReadOnlyBuffer(), 0, 8));
        assertThrows(IndexOutOfBoundsException.class,
                () -> memory.readBatch(new long[] {base}, new int[] {8}, new int[] {12}, 1, dst));
        assertThrows(IndexOutOfBoundsException.class,
                () -> memory.readBatch(new long[] {base}, new int[] {8}, new int[] {0}, 2, dst));
        memory.close();
        assertThrows(IllegalStateException.class, () -> memory.read(base, dst, 0, 8));
    }

    @Test
    void errnosMapToReasons() {
        assertEquals(Reason.PERMISSION, ProcessVmMemory.failure(1, LibC.EPERM).reason());
        assertEquals(Reason.PERMISSION, ProcessVmMemory.failure(1, LibC.EACCES).reason());
        assertEquals(Reason.NO_SUCH_PROCESS, ProcessVmMemory.failure(1, LibC.ESRCH).reason());
        assertEquals(Reason.CANNOT_ATTACH, ProcessVmMemory.failure(1, LibC.EIO).reason());
        assertTrue(ProcessVmMemory.failure(1, LibC.EPERM).getMessage().contains("Insufficient permissions"));
    }

    @ParameterizedTest
    @MethodSource("interpreters")
    void bothReadersSeeTheSameTargetMemory(final String interpreter) throws Exception {
        final Path exe = Targets.require(interpreter);
        try (Targets.Target target = Targets.python(exe);
                ProcessVmMemory vm = ProcessVmMemory.open(target.pid());
                ProcMemFile file = ProcMemFile.open(target.pid())) {
            final PythonRuntime rt = RuntimeLocator.locate(target.pid(), vm);
            final long[] addresses = {rt.runtimeAddress(), rt.codeTypeAddress(), rt.unicodeTypeAddress(), UNMAPPED,
                rt.runtimeAddress()};
            final int[] lengths = {512, 200, 200, 8, 8};
            final int[] offsets = {0, 512, 712, 912, 920};
            final byte[][] seen = new byte[3][];
            // The target is alive: a word of its runtime (a counter of the eval loop or the GIL) can change between
            // two reads, so the three readings are taken again, a few times, until they agree.
            for (int attempt = 0; attempt < 5; attempt++) {
                int k = 0;
                for (final RemoteMemory reader : List.<RemoteMemory>of(vm, file)) {
                    for (final ByteBuffer dst : List.of(ByteBuffer.allocate(1024), ByteBuffer.allocateDirect(1024))) {
                        if (reader == file && dst.isDirect()) {
                            continue;
                        }
                        assertEquals(3, reader.readBatch(addresses, lengths, offsets, addresses.length, dst),
                                interpreter);
                        final byte[] got = new byte[912];
                        dst.get(0, got);
                        seen[k++] = got;
                    }
                }
                if (java.util.Arrays.equals(seen[0], seen[1]) && java.util.Arrays.equals(seen[0], seen[2])) {
                    break;
                }
            }
            assertArrayEquals(seen[0], seen[1], "heap and direct buffers");
            assertArrayEquals(seen[0], seen[2], "process_vm_readv and /proc/PID/mem");
            final long codeTypeOfType = ByteBuffer.wrap(seen[0], 512 + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertTrue(codeTypeOfType != 0, "PyCode_Type's ob_type (PyType_Type) was read");

            final ByteBuffer one = ByteBuffer.allocate(512);
            final ByteBuffer two = ByteBuffer.allocate(512);
            assertTrue(vm.read(rt.runtimeAddress(), one, 0, 512));
            assertTrue(file.read(rt.runtimeAddress(), two, 0, 512));
            assertEquals(one, two);
            assertFalse(vm.read(UNMAPPED, one, 0, 8));
            assertFalse(file.read(UNMAPPED, one, 0, 8));
        }
    }
}
