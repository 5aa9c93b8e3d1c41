package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.python.RuntimeLocator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfTest {
    private static final Path SLEEP = Path.of("/bin/sleep");

    private static byte[] sleepBytes() throws IOException {
        assumeTrue(Files.isRegularFile(SLEEP), "/bin/sleep not present");
        return Files.readAllBytes(SLEEP);
    }

    private static Path firstExisting(final String... paths) {
        for (final String p : paths) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        assumeTrue(false, "none of " + Arrays.toString(paths) + " is installed");
        return null;
    }

    @Test
    void readsAnOrdinaryExecutable() throws IOException {
        sleepBytes();
        final Elf elf = Elf.open(SLEEP);
        assertTrue(elf.type() == Elf.ET_DYN || elf.type() == Elf.ET_EXEC);
        assertTrue(elf.firstLoad().isPresent());
        assertTrue(elf.section(".text").isPresent());
        assertTrue(elf.section(".dynsym").isPresent());
        assertTrue(elf.symbol("_PyRuntime").isEmpty());
        assertTrue(elf.section(".PyRuntime").isEmpty());
    }

    @Test
    void sharedLibpythonHasTheRuntimeInDynsymAndTheSectionAtTheSameAddress() throws IOException {
        final Path lib = firstExisting("/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0",
                "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0",
                "/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0");
        final Elf elf = Elf.open(lib);
        assertEquals(Elf.ET_DYN, elf.type());
        assertEquals(0, elf.firstLoadVaddr());
        final long runtime = elf.symbol("_PyRuntime").orElseThrow();
        assertEquals(runtime, elf.section(".PyRuntime").orElseThrow().address());
        assertTrue(elf.section(".symtab").isPresent());
        final long pyVersion = elf.symbol("Py_Version").orElseThrow();
        final long hex = ByteBuffer.wrap(elf.bytesAt(pyVersion, 8).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertTrue(RuntimeLocator.plausible(hex), Long.toHexString(hex));
        assertTrue(lib.getFileName().toString().startsWith("libpython3." + (hex >>> 16 & 0xff) + "."));
        assertTrue(elf.bytesAt(elf.section(".bss").orElseThrow().address() + 16, 8).isEmpty(),
                ".bss has no bytes in the file");
    }

    @Test
    void staticNonPieInterpreterWithoutSymtab() throws IOException {
        final Path exe = firstExisting("/usr/bin/python3.11");
        final Elf elf = Elf.open(exe);
        assertEquals(Elf.ET_EXEC, elf.type());
        assertEquals(0x400000, elf.firstLoadVaddr());
        assertTrue(elf.section(".symtab").isEmpty(), "stripped");
        final long runtime = elf.symbol("_PyRuntime").orElseThrow();
        assertEquals(runtime, elf.section(".PyRuntime").orElseThrow().address());
        assertTrue(elf.symbol("PyCode_Type").isPresent());
    }

    /** The GNU hash lookup finds exactly what a scan of the whole table finds, and nothing it does not. */
    @Test
    void hashLookupAgreesWithAFullScan() throws IOException {
        final String[] names = {"_PyRuntime", "Py_Version", "PyCode_Type", "PyUnicode_Type", "PyObject_GetAttr",
            "_Py_RefTotal", "no_such_symbol_anywhere", "Py_BytesMain", "_PyRuntime_Initialize"};
        int checked = 0;
        for (final String path : new String[] {"/root/.pyenv/versions/3.8.18/lib/libpython3.8.so.1.0",
            "/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0", "/usr/bin/python3.11", "/bin/sleep",
            "/root/.pyenv/versions/3.11.7/bin/python3.11"}) {
            if (!Files.isRegularFile(Path.of(path))) {
                continue;
            }
            final Elf elf = Elf.open(Path.of(path));
            assertTrue(elf.section(".gnu.hash").isPresent(), path);
            final java.util.Map<String, Long> scanned = new java.util.HashMap<>();
            for (final Elf.Section table : elf.sections()) {
                if (table.type() == Elf.SHT_DYNSYM) {
                    // A one-name lookup per name through the public path without the hash: the scan fallback.
                    for (final String n : names) {
                        elf.scanAll(table, n).ifPresent(v -> scanned.put(n, v));
                    }
                }
            }
            assertEquals(scanned, elf.dynamicSymbols(names), path);
            checked++;
        }
        assertTrue(checked >= 2 || !io.austin.sampler.Pythons.REQUIRED, "too few ELF files to compare");
    }

    @Test
    void importsAreNotDefinitions() throws IOException {
        final Path stub = firstExisting("/root/.pyenv/versions/3.11.7/bin/python3.11",
                "/root/.pyenv/versions/3.12.1/bin/python3.12");
        final Elf elf = Elf.open(stub);
        // The pyenv stub imports Py_BytesMain from libpython: an undefined entry, not a symbol of this file.
        assertTrue(elf.symbol("Py_BytesMain").isEmpty());
        assertTrue(elf.symbol("_PyRuntime").isEmpty());
    }

    private static void assertCorrupt(final byte[] bytes, final String detail) {
        final SamplerException e = assertThrows(SamplerException.class, () -> Elf.of("bad.so", bytes));
        assertEquals(Reason.NOT_PYTHON, e.reason());
        assertTrue(e.getMessage().startsWith("Not a valid ELF64 little-endian file: bad.so: "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    private static byte[] patched(final byte[] original, final UnaryOperator<ByteBuffer> patch) {
        final byte[] copy = original.clone();
        patch.apply(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    @Test
    void corruptFilesFailWithAClearMessage() throws IOException {
        final byte[] good = sleepBytes();
        assertCorrupt(new byte[0], "shorter than an ELF header");
        assertCorrupt(new byte[100], "no ELF magic");
        assertCorrupt(patched(good, b -> b.put(4, (byte) 1)), "not a 64-bit ELF file");
        assertCorrupt(patched(good, b -> b.put(5, (byte) 2)), "not a little-endian ELF file");
        assertCorrupt(Arrays.copyOf(good, 4096), "beyond end of file");
        assertCorrupt(patched(good, b -> b.putLong(32, 1L << 40)), "program header table");
        assertCorrupt(patched(good, b -> b.putLong(40, -64)), "section header table");
        assertCorrupt(patched(good, b -> b.putShort(62, (short) 0x7ff0)), "section name table index");
        assertCorrupt(patched(good, b -> b.putShort(58, (short) 8)), "section header entries of 8 bytes");
        // A section name table as big as the file: not believed (nor copied) beyond 16 MiB.
        final ByteBuffer header = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        final int names = (int) (header.getLong(40) + header.getShort(62) * 64L);
        assertCorrupt(patched(Arrays.copyOf(good, 17 << 20), b -> b.putLong(names + 24, 0).putLong(names + 32,
                17L << 20)), "section name table of 17825792 bytes");
    }

    @Test
    void aBrokenSymbolTableLinkIsReportedWhenSymbolsAreLookedUp() throws IOException {
        final byte[] good = sleepBytes();
        final Elf elf = Elf.of("ok", good);
        final ByteBuffer b = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
        final long shoff = b.getLong(40);
        final int dynsym = elf.sections().indexOf(elf.section(".dynsym").orElseThrow());
        b.putInt((int) (shoff + dynsym * 64L + 40), 0x7fff);
        final Elf broken = Elf.of("bad.so", b.array());
        final SamplerException e = assertThrows(SamplerException.class, () -> broken.symbol("main"));
        assertTrue(e.getMessage().contains("links to missing string table"), e.getMessage());
    }

    @Test
    void aTruncatedFileOnDiskNamesThePath(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("libpython3.11.so.1.0");
        Files.write(file, Arrays.copyOf(sleepBytes(), 2000));
        final SamplerException e = assertThrows(SamplerException.class, () -> Elf.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** Random damage to the headers and tables never escapes as anything but a SamplerException. */
    @Test
    void fuzzedHeadersNeverThrowAnythingElse() throws IOException {
        final byte[] good = sleepBytes();
        final ByteBuffer g = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        final int shoff = (int) g.getLong(40);
        final int shsize = (g.getShort(60) & 0xffff) * 64;
        final int phoff = (int) g.getLong(32);
        final Random random = new Random(42);
        int parsed = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = good.clone();
            final int damage = 1 + random.nextInt(4);
            for (int d = 0; d < damage; d++) {
                final int region = random.nextInt(3);
                final int at = region == 0 ? random.nextInt(64)
                        : region == 1 ? phoff + random.nextInt(56 * 8) : shoff + random.nextInt(shsize);
                bytes[at] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(good.length));
            }
            try {
                final Elf elf = Elf.of("fuzz", bytes);
                parsed++;
                elf.symbols("main", "_PyRuntime", "Py_Version");
                elf.section(".PyRuntime");
                elf.bytesAt(random.nextLong() >>> random.nextInt(64), 8);
                if (elf.firstLoad().isPresent()) {
                    elf.firstLoadVaddr();
                }
            } catch (final SamplerException e) {
                assertEquals(Reason.NOT_PYTHON, e.reason());
                assertFalse(e.getMessage().contains("\n"));
            }
        }
        assertTrue(parsed > 100, "some damage is harmless: " + parsed);
    }
}
