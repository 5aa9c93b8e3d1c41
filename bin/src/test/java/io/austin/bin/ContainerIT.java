package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container-like targets, as Austin supports them: a Python started in its own PID and mount namespace
 * ({@code unshare -p -f -m -r}), whose interpreter files are deleted after it started, attached from outside with
 * {@code -p} and with {@code -C -p}. Its threads are reported by the ids they have outside.
 */
class ContainerIT {
    private static final Path UNSHARE = Path.of("/usr/bin/unshare");

    @TempDir
    Path tmp;

    private static ToolRun austin(String... args) {
        return ToolRun.of("austin", args);
    }

    /** The interpreter copied to {@code dir}: a pyenv build's executable and libpython, or a static executable. */
    private static List<String> copyInterpreter(Pythons.Python py, Path dir) throws Exception {
        Path exe = py.path().toRealPath();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(exe, bin.resolve(exe.getFileName()));
        Path home = exe.getParent().getParent();
        String lib = "libpython" + py.major() + "." + py.minor() + ".so.1.0";
        if (Files.isRegularFile(home.resolve("lib").resolve(lib))) {
            Path libs = Files.createDirectories(dir.resolve("lib"));
            Files.copy(home.resolve("lib").resolve(lib), libs.resolve(lib));
            return List.of("env", "LD_LIBRARY_PATH=" + libs, "PYTHONHOME=" + home,
                    bin.resolve(exe.getFileName()).toString());
        }
        return List.of(bin.resolve(exe.getFileName()).toString());
    }

    @TestFactory
    Stream<DynamicTest> aPythonInItsOwnNamespacesWithItsFilesDeletedIsProfiled() {
        return Stream.of("3.9.18", "3.12.1", "debian-3.11-static").map(label -> DynamicTest.dynamicTest(label, () -> {
            assumeTrue(Files.isExecutable(UNSHARE), "unshare is not installed");
            Pythons.Python py = Pythons.get(label);
            Path dir = Files.createDirectories(tmp.resolve(label));
            List<String> cmd = new ArrayList<>(List.of(UNSHARE.toString(), "-p", "-f", "-m", "-r", "--mount-proc"));
            cmd.addAll(copyInterpreter(py, dir));
            cmd.addAll(List.of("-S", Fixtures.target("busy_and_sleeping.py").toString(), "30"));
            Process unshare = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                assertTrue(new String(unshare.getInputStream().readNBytes(5), StandardCharsets.UTF_8)
                        .startsWith("ready"), "the contained Python started");
                long python = unshare.toHandle().descendants().filter(h -> h.info().command().orElse("")
                        .contains(dir.toString())).findFirst().orElseThrow().pid();
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p); // the interpreter's files are gone while it runs
                    }
                }
                assertTrue(Files.readSymbolicLink(Path.of("/proc", Long.toString(python), "exe")).toString()
                        .endsWith("(deleted)"));
                String status = Files.readString(Path.of("/proc", Long.toString(python), "status"));
                assertTrue(status.lines().anyMatch(l -> l.startsWith("NSpid:") && l.trim().split("\\s+").length == 3),
                        "in its own PID namespace");

                Path out = tmp.resolve(label + ".austin");
                ToolRun r = austin("-s", "-i", "1ms", "-x", "1", "-o", out.toString(), "-p", Long.toString(python));
                assertEquals(0, r.status(), r.err());
                TextProfile p = TextProfile.parse(Files.readString(out));
                assertTrue(p.timeIn("busy", "busy") > 500_000, "the busy thread is sampled: " + p.lines.size());
                assertTrue(p.lines.stream().allMatch(l -> l.tid() == python),
                        "cpu mode: only the busy main thread, by its id outside the namespace");

                Path children = tmp.resolve(label + "-C.austin");
                ToolRun c = austin("-C", "-i", "1ms", "-x", "1", "-t", "300", "-o", children.toString(), "-p",
                        Long.toString(unshare.pid()));
                assertEquals(0, c.status(), c.err());
                TextProfile cp = TextProfile.parse(Files.readString(children));
                assertTrue(cp.lines.stream().anyMatch(l -> l.pid() == python && l.scopes().contains("sleeping")),
                        "-C -p from the namespace's parent finds the Python");
                assertFalse(cp.lines.stream().anyMatch(l -> l.pid() == unshare.pid()));

                ToolRun w = austin("-w", Long.toString(python));
                assertEquals(0, w.status(), w.err());
                assertTrue(w.out().contains("Thread \033[34;1m0:" + python + "\033[0m"), w.out());
            } finally {
                unshare.descendants().forEach(ProcessHandle::destroyForcibly);
                unshare.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }));
    }
}
