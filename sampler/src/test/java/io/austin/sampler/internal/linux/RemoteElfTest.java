package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exported symbols read from a live interpreter's memory agree with its file and with the loader's own answer. */
class RemoteElfTest {
    private static final String[] NAMES = {"_PyRuntime", "PyCode_Type", "PyUnicode_Type", "Py_Version", "nope_42"};

    static Stream<String> interpreters() {
        return Targets.interpreters();
    }

    @ParameterizedTest
    @MethodSource("interpreters")
    void symbolsFromMemoryMatchTheFile(final String interpreter) throws Exception {
        final Path exe = Targets.require(interpreter);
        try (Targets.Target target = Targets.python(exe);
                ProcessVmMemory memory = ProcessVmMemory.open(target.pid())) {
            final ProcMaps maps = ProcMaps.read(target.pid());
            // The object that holds the runtime: libpython when it is shared, else the executable (the runtime
            // itself may lie in the anonymous part of the data segment, so it is not found by its address).
            final String exePath = Path.of("/proc/" + target.pid() + "/exe").toRealPath().toString();
            final String holder = maps.mappings().stream().map(ProcMaps.Mapping::path)
                    .filter(p -> p != null && p.contains("libpython")).findFirst().orElse(exePath);
            final ProcMaps.Mapping first = maps.firstMapping(holder).orElseThrow();
            assertEquals(0, first.offset());
            final RemoteElf remote = RemoteElf.at(memory, first.start()).orElseThrow(
                    () -> new AssertionError("no ELF dynamic tables at the start of " + first));
            final Elf file = Elf.open(Path.of(holder));
            final Map<String, Long> fromMemory = remote.dynamicSymbols(NAMES);
            final Map<String, Long> fromFile = file.dynamicSymbols(NAMES);
            assertEquals(fromFile, fromMemory, interpreter);
            assertEquals(file.firstLoadVaddr(), remote.firstLoadVaddr());
            final long bias = first.start() - remote.firstLoadVaddr();
            assertEquals(target.runtimeAddress(), bias + fromMemory.get("_PyRuntime"), "the loader's address");
            assertTrue(fromMemory.containsKey("PyCode_Type"));
        }
    }

    /** Not an ELF object, unreadable memory, a corrupt header: empty, never an exception. */
    @Test
    void garbageGivesNothing() {
        final ByteBuffer junk = ByteBuffer.allocate(4096);
        for (int i = 0; i < junk.capacity(); i++) {
            junk.put(i, (byte) (i * 31 + 7));
        }
        junk.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F').put(4, (byte) 2)
                .put(5, (byte) 1);
        final RemoteMemory fake = new RemoteMemory() {
            @Override
            public boolean read(final long address, final ByteBuffer dst, final int dstOffset, final int length) {
                if (address < 0x1000 || address + length > 0x1000 + junk.capacity()) {
                    return false;
                }
                for (int i = 0; i < length; i++) {
                    dst.put(dstOffset + i, junk.get((int) (address - 0x1000) + i));
                }
                return true;
            }

            @Override
            public int readBatch(final long[] addresses, final int[] lengths, final int[] dstOffsets, final int count,
                    final ByteBuffer dst) {
                return 0;
            }

            @Override
            public long calls() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
        final Optional<RemoteElf> elf = RemoteElf.at(fake, 0x1000);
        elf.ifPresent(e -> e.dynamicSymbols(NAMES)); // may parse: then it must not throw either
        assertTrue(RemoteElf.at(fake, 0x9000_0000L).isEmpty());
    }
}
