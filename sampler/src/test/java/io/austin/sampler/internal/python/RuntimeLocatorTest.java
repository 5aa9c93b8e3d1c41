package io.austin.sampler.internal.python;

import io.austin.sampler.internal.linux.Elf;
import io.austin.sampler.internal.linux.ProcMaps;
import io.austin.sampler.internal.linux.ProcMemFile;
import io.austin.sampler.internal.linux.ProcessVmMemory;
import io.austin.sampler.internal.linux.Targets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.sampler.PythonRuntime;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuntimeLocatorTest {

    static List<String> interpreters() {
        return Targets.INTERPRETERS;
    }

    @ParameterizedTest
    @MethodSource("interpreters")
    void locatesTheRuntimeOfEachInterpreter(final String interpreter) throws Exception {
        final Path exe = Targets.require(interpreter);
        try (Targets.Target target = Targets.python(exe);
                ProcessVmMemory memory = ProcessVmMemory.open(target.pid())) {
            final PythonRuntime rt = RuntimeLocator.locate(target.pid(), memory);
            final long hex = target.hexVersion();

            assertEquals(target.pid(), rt.pid());
            assertEquals(target.runtimeAddress(), rt.runtimeAddress(), "runtime address of " + interpreter);
            assertEquals(hex >>> 24 & 0xff, rt.major());
            assertEquals(hex >>> 16 & 0xff, rt.minor());
            if (rt.minor() >= 11) {
                // Py_Version (3.11+) and the debug cookie (3.13+) give the exact version.
                assertEquals(hex, rt.versionHex());
                assertEquals(hex >>> 8 & 0xff, rt.micro());
                assertEquals("3." + rt.minor() + "." + rt.micro(), rt.version());
            } else {
                assertEquals(-1, rt.micro());
                assertEquals(0, rt.versionHex());
                assertEquals("3." + rt.minor() + ".?", rt.version());
            }
            if (rt.minor() >= 13) {
                // 3.13+: the version comes from the debug-offsets cookie at the start of the live runtime.
                final ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                assertTrue(memory.read(rt.runtimeAddress(), head, 0, 24));
                assertEquals(hex, RuntimeLocator.versionFromRuntime(rt.pid(), rt.binaryPath(),
                        new long[] {head.getLong(0), head.getLong(8), head.getLong(16)}));
            }
            assertNotEquals(0, rt.codeTypeAddress());
            assertNotEquals(0, rt.unicodeTypeAddress());
            final boolean shared = interpreter.contains("pyenv");
            assertEquals(shared, rt.sharedLibrary());
            assertTrue(rt.binaryPath().contains(shared ? "libpython3." + rt.minor() : "python3." + rt.minor()),
                    rt.binaryPath());

            // The type objects are real: PyCode_Type's tp_name points at the string "code".
            final ByteBuffer buf = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            assertTrue(memory.read(rt.codeTypeAddress() + 24, buf, 0, 8));
            final long tpName = buf.getLong(0);
            assertTrue(memory.read(tpName, buf, 0, 5));
            assertEquals("code\0", new String(buf.array(), 0, 5, StandardCharsets.US_ASCII));
            assertTrue(memory.read(rt.unicodeTypeAddress() + 24, buf, 0, 8));
            assertTrue(memory.read(buf.getLong(0), buf, 0, 4));
            assertEquals("str\0", new String(buf.array(), 0, 4, StandardCharsets.US_ASCII));

            // The retrying variant finds the same runtime at once.
            assertEquals(rt, RuntimeLocator.locate(target.pid(), memory, Duration.ofSeconds(5)));
        }
    }

    @Test
    void aDeletedStaticExecutableIsReadThroughProcExe(@TempDir final Path dir) throws Exception {
        final Path original = Targets.require("/usr/bin/python3.11");
        final Path copy = dir.resolve("python3.11");
        Files.copy(original, copy);
        try (Targets.Target target = Targets.python(copy)) {
            Files.delete(copy);
            final PythonRuntime rt = RuntimeLocator.locate(target.pid(), null);
            assertEquals(target.runtimeAddress(), rt.runtimeAddress());
            assertEquals(target.hexVersion(), rt.versionHex());
            assertEquals(copy.toString(), rt.binaryPath());
            assertFalse(rt.sharedLibrary());
        }
    }

    @Test
    void aDeletedSharedLibraryIsReadThroughMapFiles(@TempDir final Path dir) throws Exception {
        final Path exe = Targets.require("/root/.pyenv/versions/3.12.1/bin/python3.12");
        final Path lib = dir.resolve("libpython3.12.so.1.0");
        Files.copy(Path.of("/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0"), lib);
        // LD_LIBRARY_PATH wins over the stub's RUNPATH, so the target loads the copy, which is then deleted.
        final ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-S", "-c", Targets.SCRIPT);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        try (Targets.Target target = Targets.start(pb)) {
            Files.delete(lib);
            final ProcMaps.Mapping mapping = ProcMaps.read(target.pid()).firstMapping(lib.toString()).orElseThrow();
            assertTrue(mapping.deleted());
            final PythonRuntime rt = RuntimeLocator.locate(target.pid(), null);
            assertEquals(target.runtimeAddress(), rt.runtimeAddress());
            assertEquals(target.hexVersion(), rt.versionHex());
            assertEquals(lib.toString(), rt.binaryPath());
            assertTrue(rt.sharedLibrary());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"python3.11d", "python3.11t"})
    void buildsWithOtherLayoutsAreRefusedByName(final String name, @TempDir final Path dir) throws Exception {
        // A release binary under a debug/free-threaded name: the name alone must make the locator refuse it.
        final Path copy = dir.resolve(name);
        Files.copy(Targets.require("/usr/bin/python3.11"), copy);
        try (Targets.Target target = Targets.python(copy)) {
            final SamplerException e = assertThrows(SamplerException.class,
                    () -> RuntimeLocator.locate(target.pid(), null, Duration.ofSeconds(5)));
            assertEquals(Reason.UNSUPPORTED_BUILD, e.reason());
            assertEquals(32, e.exitStatus());
            assertTrue(e.getMessage().contains(name.endsWith("d") ? "debug build" : "free-threaded"),
                    e.getMessage());
        }
    }

    @Test
    void debugOnlySymbolsRefuseTheBuild() {
        final RuntimeLocator.NameVersion plain = new RuntimeLocator.NameVersion(3, 12, "");
        RuntimeLocator.rejectUnsupportedBuild(1, "x", plain, null, Map.of("_PyRuntime", 1L));
        RuntimeLocator.rejectUnsupportedBuild(1, "x", null, null, Map.of());
        for (final String symbol : List.of("_Py_NegativeRefcount", "_Py_RefTotal")) {
            assertEquals(Reason.UNSUPPORTED_BUILD, assertThrows(SamplerException.class,
                    () -> RuntimeLocator.rejectUnsupportedBuild(1, "x", plain, null, Map.of(symbol, 1L))).reason());
        }
        assertThrows(SamplerException.class, () -> RuntimeLocator.rejectUnsupportedBuild(1, "x",
                new RuntimeLocator.NameVersion(3, 13, "t"), null, Map.of()));
    }

    @Test
    void aRuntimeWithoutAnyVersionHintIsUnknownVersion(@TempDir final Path dir) throws Exception {
        // 3.9 has no version word; hide the version from both file names: the library is reached through a
        // symlink (maps shows the real name) and the executable is renamed.
        final Path home = Targets.require("/root/.pyenv/versions/3.9.18/bin/python3.9").getParent().getParent();
        final Path real = dir.resolve("libpython-custom.so");
        Files.copy(home.resolve("lib/libpython3.9.so.1.0"), real);
        Files.createSymbolicLink(dir.resolve("libpython3.9.so.1.0"), real);
        final Path exe = dir.resolve("myapp");
        Files.copy(home.resolve("bin/python3.9"), exe);
        final ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-S", "-c", Targets.SCRIPT);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        pb.environment().put("PYTHONHOME", home.toString());
        try (Targets.Target target = Targets.start(pb)) {
            final SamplerException e = assertThrows(SamplerException.class,
                    () -> RuntimeLocator.locate(target.pid(), null, Duration.ofSeconds(5)));
            assertEquals(Reason.UNKNOWN_VERSION, e.reason(), e.getMessage());
            assertEquals(3, e.exitStatus());
            assertTrue(e.getMessage().contains(real.toString()), e.getMessage());
        }
    }

    @Test
    void retriesUntilTheInterpreterIsLoaded() throws Exception {
        final String interpreter = Targets.INTERPRETERS.stream().filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElse(null);
        assumeTrue(interpreter != null, "no Python interpreter installed");
        // The shell is not Python for the first 300 ms; then it becomes Python by exec.
        try (Targets.Target target = Targets.spawn(List.of("/bin/sh", "-c",
                "sleep 0.3; exec " + interpreter + " -S -c 'import time; time.sleep(30)'"), false);
                ProcMemFile memory = ProcMemFile.open(target.pid())) {
            assertThrows(SamplerException.class, () -> RuntimeLocator.locate(target.pid(), memory));
            final PythonRuntime rt = RuntimeLocator.locate(target.pid(), memory, Duration.ofSeconds(15));
            assertEquals(target.pid(), rt.pid());
            assertNotEquals(0, rt.runtimeAddress());
        }
    }

    @Test
    void aProcessThatIsNotPythonIsRejected() throws Exception {
        try (Targets.Target target = Targets.spawn(List.of("/bin/sleep", "30"), false);
                ProcMemFile memory = ProcMemFile.open(target.pid())) {
            // Give exec a moment so the target really is sleep, then ask with a short retry budget.
            final long start = System.nanoTime();
            final SamplerException e = assertThrows(SamplerException.class,
                    () -> RuntimeLocator.locate(target.pid(), memory, Duration.ofMillis(300)));
            assertEquals(Reason.NOT_PYTHON, e.reason());
            assertEquals(32, e.exitStatus());
            assertTrue(System.nanoTime() - start >= 300_000_000L, "retried until the deadline");
            assertTrue(e.getMessage().contains("is not a Python process"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void aVanishedProcessIsNoSuchProcess() throws Exception {
        final int pid = Targets.vanishedPid();
        final SamplerException e = assertThrows(SamplerException.class,
                () -> RuntimeLocator.locate(pid, null, Duration.ofSeconds(5)));
        assertEquals(Reason.NO_SUCH_PROCESS, e.reason());
        assertEquals(38, e.exitStatus());
        assertEquals(Reason.NO_SUCH_PROCESS, assertThrows(SamplerException.class,
                () -> ProcessVmMemory.open(pid)).reason());
        assertEquals(Reason.NO_SUCH_PROCESS, assertThrows(SamplerException.class,
                () -> ProcMemFile.open(pid)).reason());
        assertEquals(Reason.NO_SUCH_PROCESS, assertThrows(SamplerException.class,
                () -> RuntimeLocator.locate(-1, null)).reason());
    }

    @Test
    void versionsFromFileNames() {
        assertEquals(new RuntimeLocator.NameVersion(3, 11, ""),
                RuntimeLocator.versionFromName("libpython3.11.so.1.0", "libpython"));
        assertEquals(new RuntimeLocator.NameVersion(3, 9, ""), RuntimeLocator.versionFromName("python3.9", "python"));
        assertEquals(new RuntimeLocator.NameVersion(3, 10, ""),
                RuntimeLocator.versionFromName("python3.10-config", "python"));
        final RuntimeLocator.NameVersion debug = RuntimeLocator.versionFromName("libpython3.12d.so.1.0", "libpython");
        assertTrue(debug.debug());
        assertFalse(debug.freeThreaded());
        final RuntimeLocator.NameVersion ft = RuntimeLocator.versionFromName("python3.13t", "python");
        assertTrue(ft.freeThreaded());
        assertTrue(RuntimeLocator.versionFromName("libpython3.14td.so", "libpython").debug());
        assertNull(RuntimeLocator.versionFromName("libpython3.so", "libpython"));
        assertNull(RuntimeLocator.versionFromName("python3", "python"));
        assertNull(RuntimeLocator.versionFromName("sleep", "python"));
        // The prefix may appear more than once; the first one followed by a version wins.
        assertEquals(new RuntimeLocator.NameVersion(3, 8, ""),
                RuntimeLocator.versionFromName("python-wrapper-python3.8", "python"));
    }

    /**
     * While the loader maps libpython, the runtime's range can be mapped from the wrong file offset: from 3.13 on
     * (the file holds the debug cookie there) memory without the cookie is not the runtime yet, and is waited for.
     */
    @Test
    void aRuntimeWithoutItsCookieYetIsNotReady() throws Exception {
        final Path lib313 = Path.of("/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0");
        final Path lib312 = Path.of("/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0");
        io.austin.sampler.Pythons.get("3.13.0");
        io.austin.sampler.Pythons.get("3.12.1");
        assumeTrue(Files.isRegularFile(lib313) && Files.isRegularFile(lib312), "pyenv 3.12 and 3.13");
        final long cookie = ByteBuffer.wrap("xdebugpy".getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.LITTLE_ENDIAN).getLong();
        final Elf elf = Elf.open(lib313);
        final long vaddr = elf.dynamicSymbols("_PyRuntime").get("_PyRuntime");
        final FakeMemory memory = new FakeMemory();
        final long runtime = 0x7f00_0000_0000L;
        final ByteBuffer region = memory.map(runtime, 64);
        assertFalse(RuntimeLocator.initialised(memory, runtime, elf, vaddr), "zeros where the cookie belongs");
        region.putLong(0, cookie);
        assertTrue(RuntimeLocator.initialised(memory, runtime, elf, vaddr));
        assertTrue(RuntimeLocator.initialised(memory, runtime + 0x1000, elf, vaddr), "unreadable: the file decides");
        final Elf old = Elf.open(lib312);
        assertTrue(RuntimeLocator.initialised(memory, runtime + 8, old, old.dynamicSymbols("_PyRuntime")
                .get("_PyRuntime")), "3.12 has no cookie to wait for");
    }

    @Test
    void debugCookieGivesTheVersionAndRejectsFreeThreadedBuilds() {
        final long cookie = ByteBuffer.wrap("xdebugpy".getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0x030d00f0L, RuntimeLocator.versionFromRuntime(1, "x", new long[] {cookie, 0x030d00f0L, 0}));
        assertEquals(0x030e00b1L, RuntimeLocator.versionFromRuntime(1, "x", new long[] {cookie, 0x030e00b1L, 0}));
        final SamplerException e = assertThrows(SamplerException.class,
                () -> RuntimeLocator.versionFromRuntime(7, "libpython3.13t.so", new long[] {cookie, 0x030d00f0L, 1}));
        assertEquals(Reason.UNSUPPORTED_BUILD, e.reason());
        assertEquals(32, e.exitStatus());
        assertTrue(e.getMessage().contains("free-threaded"), e.getMessage());
        // No cookie (3.12 and older), a garbage version, or an unreadable runtime: no answer from this method.
        assertEquals(0, RuntimeLocator.versionFromRuntime(1, "x", new long[] {0, 0x030d00f0L, 0}));
        assertEquals(0, RuntimeLocator.versionFromRuntime(1, "x", new long[] {cookie, 0x12345678L, 0}));
        assertEquals(0, RuntimeLocator.versionFromRuntime(1, "x", new long[] {cookie, 0x030b07f0L, 0}));
        assertEquals(0, RuntimeLocator.versionFromRuntime(1, "x", null));
    }

    @Test
    void plausibleVersionWords() {
        assertTrue(RuntimeLocator.plausible(0x030b07f0L));
        assertTrue(RuntimeLocator.plausible(0x030e00a7L));
        assertFalse(RuntimeLocator.plausible(0));
        assertFalse(RuntimeLocator.plausible(0x020712f0L));
        assertFalse(RuntimeLocator.plausible(0x030b0700L));
        assertFalse(RuntimeLocator.plausible(0x1_030b07f0L));
    }

    @Test
    void reasonsMapToAustinExitStatuses() {
        assertArrayEquals(new int[] {38, 37, 32, 3, 3, 36, 35, 33, 39, 32},
                java.util.Arrays.stream(Reason.values()).mapToInt(Reason::exitStatus).toArray());
    }

    @Test
    void theTableSupportsExactly3_8To3_14() {
        for (int minor = 0; minor < 20; minor++) {
            assertEquals(minor >= 8 && minor <= 14, Layouts.supports(3, minor), "3." + minor);
        }
        assertFalse(Layouts.supports(2, 7));
        assertFalse(Layouts.supports(4, 0));
        assertFalse(Layouts.supports(3, 99));
        assertEquals("3.8 to 3.14", Layouts.range(), "the range the refusal names");
    }
}
