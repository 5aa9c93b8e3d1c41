package io.austin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JShell scripts of {@code examples/jshell}, each run non-interactively by {@code bin/austin-jshell} (JShell with
 * the shaded jar, as a user runs them) on real profiles of real programs, their output checked.
 */
class JShellExamplesIT {
    @TempDir
    static Path tmp;
    static Path fib;
    static Path before;
    static Path after;

    @BeforeAll
    static void profiles() throws Exception {
        fib = ExamplesIT.profile(tmp, "fib.py");
        before = ExamplesIT.profile(tmp, "work.py", "3", "1");
        after = ExamplesIT.profile(tmp, "work.py", "1", "3");
    }

    /** What one script printed. */
    private record Run(int code, String out, String err) {
    }

    private static Run jshell(String script, Map<String, String> env) throws IOException, InterruptedException {
        Path launcher = Paths.get("../bin/austin-jshell").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(),
                Paths.get("jshell", script).toAbsolutePath().toString());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the JDK running the build
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path err = tmp.resolve(script + ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " within 60 s");
        Run r = new Run(p.exitValue(), out, Files.readString(err));
        System.out.printf("== %s%n%s%s", script, r.out().lines().limit(40).map(l -> l + "\n")
                .reduce("", String::concat), r.err());
        assertEquals(0, r.code(), script + ": " + r.err());
        // JShell reports a failed snippet and carries on: any report is a failure of the example.
        assertFalse(r.out().contains("|  Error") || r.out().contains("|  Exception") || r.out().contains("Exception "),
                script + ": " + r.out());
        assertEquals("", r.err().replaceAll("(?m)^WARNING.*\\n", ""), script);
        return r;
    }

    @Test
    void mojoToPprof() throws Exception {
        Path out = tmp.resolve("fib.pprof");
        jshell("mojo-to-pprof.jsh", Map.of("IN", fib.toString(), "OUT", out.toString()));
        byte[] bytes = Files.readAllBytes(out);
        InputStream raw = new java.io.ByteArrayInputStream(bytes);
        try (InputStream in = bytes[0] == 0x1f && bytes[1] == (byte) 0x8b ? new GZIPInputStream(raw) : raw) {
            io.austin.converters.pprof.proto.Profile p = io.austin.converters.pprof.proto.Profile.parseFrom(in);
            long total = p.getSampleList().stream().mapToLong(s -> s.getValue(0)).sum();
            assertEquals(TopFunctions.read(fib).total(0), total, "the pprof's total is the profile's");
            assertTrue(p.getStringTableList().contains("fib"), "fib is a function");
        }
    }

    @Test
    void top() throws Exception {
        List<String> rows = jshell("top.jsh", Map.of("IN", after.toString())).out().lines().toList();
        assertTrue(rows.get(0).matches("Wall time, \\d+ samples"), rows.get(0));
        assertTrue(rows.get(2).contains(" render (") && rows.get(2).contains("work.py:"), rows.toString());
        assertTrue(rows.size() >= 5 && rows.size() <= 12, rows.toString());
    }

    @Test
    void splitPerThread() throws Exception {
        Path dir = tmp.resolve("threads");
        List<String> files = jshell("split.jsh", Map.of("IN", fib.toString(), "OUT", dir.toString())).out().lines()
                .toList();
        assertEquals(2, files.size(), "fib.py has two threads: " + files);
        long samples = 0;
        for (String f : files) {
            List<String> lines = Files.readAllLines(Paths.get(f));
            assertTrue(lines.contains("# mode: wall"), f + " has the run's header");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("# duration: ")), f + " has the run's footer");
            List<String> stacks = lines.stream().filter(l -> l.startsWith("P")).toList();
            assertEquals(1, stacks.stream().map(l -> l.replaceFirst("^(P\\d+;T[^; ]+).*", "$1")).distinct().count(),
                    "one thread per file");
            samples += stacks.size();
        }
        assertEquals(TopFunctions.read(fib).samples(), samples, "every sample in one of the files");
    }

    @Test
    void throughAFunction() throws Exception {
        List<String> lines = jshell("through.jsh", Map.of("IN", fib.toString(), "FUNCTION", "napper")).out()
                .lines().filter(l -> l.startsWith("P")).toList();
        assertTrue(lines.size() > 10, lines.size() + " stacks through napper");
        assertTrue(lines.stream().allMatch(l -> l.contains(":napper:")), "only stacks through napper");
    }

    @Test
    void diff() throws Exception {
        List<String> rows = jshell("diff.jsh", Map.of("BASE", before.toString(), "NEW", after.toString())).out()
                .lines().toList();
        assertTrue(rows.get(0).matches(" +BEFORE +AFTER +CHANGE +FUNCTION"), rows.get(0));
        List<String> top2 = rows.subList(1, 3);
        assertTrue(top2.stream().anyMatch(r -> r.matches(".*\\+\\d+\\.\\d\\d +render \\(.*")), rows.toString());
        assertTrue(top2.stream().anyMatch(r -> r.matches(".*-\\d+\\.\\d\\d +parse \\(.*")), rows.toString());
    }

    @Test
    void liveTop() throws Exception {
        Process target = new ProcessBuilder(io.austin.sampler.Pythons.any().path().toString(), "-S",
                Paths.get("python/busy.py").toAbsolutePath().toString(), "30")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = jshell("live-top.jsh", Map.of("PID", Long.toString(target.pid()))).out();
            long tables = out.lines().filter(l -> l.matches("\\d+ ms of CPU in \\d+ samples")).count();
            assertTrue(tables >= 5 && tables <= 6, tables + " tables: " + out);
            assertTrue(out.lines().filter(l -> l.matches(".*%  \\S*(crunch|hash_strings|<genexpr>|<setcomp>) \\(.*"))
                    .count() >= 5, out);
            assertTrue(target.isAlive(), "the target lives on");
        } finally {
            target.destroy();
            target.waitFor();
        }
    }
}
