package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Children mode ({@code -C}) and where mode ({@code -w}) on real processes. */
class ChildrenIT {
    @TempDir
    Path tmp;

    private static ToolRun austin(String... args) {
        return ToolRun.of("austin", args);
    }

    private static Set<Long> pids(TextProfile p) {
        return p.lines.stream().map(TextProfile.Line::pid).collect(Collectors.toSet());
    }

    @TestFactory
    Stream<DynamicTest> everyChildIsSampledAndTheRunOutlivesTheirExits() {
        return Pythons.each(py -> {
            Path pids = tmp.resolve("pids.txt");
            Path out = tmp.resolve("children.austin");
            ToolRun r = austin("-C", "-P", "-i", "1ms", "-o", out.toString(), py.path().toString(), "-S",
                    Fixtures.target("children.py").toString(), pids.toString(), "1");
            assertEquals(0, r.status(), r.err());
            TextProfile p = TextProfile.parse(Files.readString(out));
            assertEquals("on", p.header.get("multiprocess"));
            assertEquals("python", p.header.keySet().iterator().next(), "python first with -C (Austin's order)");
            Set<Long> sampled = pids(p);
            long[] children = Arrays.stream(Files.readString(pids).trim().split(" ")).mapToLong(Long::parseLong)
                    .toArray();
            for (long child : children) {
                assertTrue(sampled.contains(child), "child " + child + " sampled; sampled " + sampled);
                long work = p.lines.stream().filter(l -> l.pid() == child && l.scopes().contains("child_work"))
                        .mapToLong(TextProfile.Line::first).sum();
                assertTrue(work > 200_000, "child " + child + " computing: " + work + " us");
            }
            assertEquals(4, sampled.size(), "the parent and its three children: " + sampled);
            assertTrue(p.lines.stream().anyMatch(l -> l.scopes().contains("parent_wait")), "the parent waits");
            // The first two children end after 1 s, the late one half a second later: the run goes on for it.
            long lateWork = p.lines.stream().filter(l -> l.pid() == children[2]
                    && l.scopes().contains("child_work")).mapToLong(TextProfile.Line::first).sum();
            assertTrue(lateWork > 800_000, "the late child is sampled to its end: " + lateWork + " us");
            assertTrue(Long.parseLong(p.footer.get("duration")) > 1_400_000,
                    "the run outlives the first children: " + p.footer);
            assertEquals(3, r.err().lines().filter(l -> l.startsWith("# python: ")).count(),
                    "pipe mode: the children's versions on stderr, as Austin 3.7: " + r.err());
        });
    }

    @Test
    void attachedChildrenModeAndANonPythonParent() throws Exception {
        Pythons.Python py = Pythons.any();
        Path pids = tmp.resolve("pids.txt");
        String script = py.path() + " -S " + Fixtures.target("children.py") + " " + pids + " 1.5";
        // A shell that is not Python runs the Python parent: -C finds the Python descendants under it.
        Process shell = new ProcessBuilder("/bin/bash", "-c", script + "; sleep 0.2").start();
        try {
            Thread.sleep(300);
            ToolRun r = austin("-C", "-i", "1ms", "-t", "300", "-o", tmp.resolve("attach.austin").toString(), "-p",
                    Long.toString(shell.pid()));
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains("Not a Python process"), "the shell is not Python: " + r.err());
            TextProfile p = TextProfile.parse(Files.readString(tmp.resolve("attach.austin")));
            assertFalse(p.header.containsKey("python"), "no python line for a parent that is not Python");
            assertTrue(pids(p).size() >= 4, "the Python parent and its three children: " + pids(p));
            assertFalse(pids(p).contains(shell.pid()), "the shell itself has no samples");
        } finally {
            shell.destroyForcibly().waitFor();
        }
    }

    @Test
    void aParentWithoutPythonChildrenIsStatus39() {
        ToolRun r = austin("-C", "-t", "500", "/bin/sleep", "1");
        assertEquals(39, r.status(), r.err());
        assertTrue(r.err().contains("Not a Python process"), r.err());
    }

    @TestFactory
    Stream<DynamicTest> whereShowsTheSleepingAndTheBusyThread() {
        return Pythons.each(py -> {
            Process target = new ProcessBuilder(py.path().toString(), "-S",
                    Fixtures.target("busy_and_sleeping.py").toString(), "30").redirectErrorStream(true).start();
            try {
                assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8)
                        .startsWith("ready"));
                Thread.sleep(100);
                ToolRun r = austin("-w", Long.toString(target.pid()));
                assertEquals(0, r.status(), r.err());
                String out = r.out();
                assertTrue(out.startsWith("\n\n"), "two empty lines first");
                assertTrue(out.contains("\uD83D\uDE80 Process \033[35;1m" + target.pid()
                        + "\033[0m \uD83E\uDDF5 Thread "
                        + "\033[34;1m0:" + target.pid() + "\033[0m\n\n"), "the busy main thread: " + out);
                assertTrue(out.contains("\uD83D\uDCA4 Process"), "the sleeping thread: " + out);
                assertTrue(out.contains("    \033[33;1msleeping\033[0m (\033[36;1m"
                        + Fixtures.target("busy_and_sleeping.py") + "\033[0m:\033[32;1m"), out);
                assertTrue(out.contains("\033[33;1mbusy\033[0m"), out);

                ToolRun json = austin("-w", Long.toString(target.pid()), "--json");
                assertEquals(0, json.status(), json.err());
                JsonNode doc = new ObjectMapper().readTree(json.out());
                JsonNode threads = doc.get("processes").get(0).get("threads");
                assertEquals(2, threads.size());
                boolean sawIdle = false;
                boolean sawBusy = false;
                for (JsonNode t : threads) {
                    String leaves = t.get("frames").toString();
                    sawIdle |= t.get("idle").asBoolean() && leaves.contains("sleeping");
                    sawBusy |= leaves.contains("busy");
                }
                assertTrue(sawIdle && sawBusy, json.out());
                assertTrue(target.isAlive(), "where mode only reads");
            } finally {
                target.destroyForcibly().waitFor();
            }
        });
    }

    @Test
    void whereWithChildrenMarksThem() throws Exception {
        Pythons.Python py = Pythons.any();
        Path pids = tmp.resolve("pids.txt");
        Process parent = new ProcessBuilder(py.path().toString(), "-S", Fixtures.target("children.py").toString(),
                pids.toString(), "3").start();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(pids) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ToolRun r = austin("-C", "-w", Long.toString(parent.pid()));
            assertEquals(0, r.status(), r.err());
            assertEquals(3, r.out().lines().filter(l -> l.contains("\uD83E\uDDD2 Process")).count(),
                    "three child threads marked: " + r.out());
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    /**
     * A spawned parent that is not Python, stopped with Ctrl-C: the signal is forwarded to it, and it gets its time
     * to end by itself (here a shell whose trap writes a marker after 300 ms) before anything left is terminated.
     */
    @Test
    void aSpawnedParentThatIsNotPythonEndsByItselfAfterSigint() throws Exception {
        Path jar = Paths.get("target/austin.jar");
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
        Pythons.Python py = Pythons.any();
        Path pids = tmp.resolve("pids.txt");
        Path marker = tmp.resolve("marker.txt");
        Path out = tmp.resolve("sigint.austin");
        String script = "trap 'sleep 0.3; echo cleaned > " + marker + "; exit 0' INT; " + py.path() + " -S "
                + Fixtures.target("children.py") + " " + pids + " 30 & wait";
        Process austin = new ProcessBuilder(Paths.get("austin").toAbsolutePath().toString(), "-C", "-i", "1ms", "-o",
                out.toString(), "/bin/bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("sigint.log").toFile()).start();
        List<ProcessHandle> descendants = List.of();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            // Samples written: the attach is over (a signal before it ends austin at once, as it does Austin).
            while (System.nanoTime() < deadline && (!Files.exists(pids) || !Files.exists(out)
                    || Files.size(out) < 20_000)) {
                Thread.sleep(50);
            }
            descendants = austin.toHandle().descendants().toList();
            new ProcessBuilder("kill", "-INT", Long.toString(austin.pid())).start().waitFor();
            assertTrue(austin.waitFor(20, TimeUnit.SECONDS), "austin did not stop");
            assertEquals(AustinCommand.SIGINT_STATUS, austin.exitValue(), Files.readString(tmp.resolve("sigint.log")));
            assertTrue(Files.exists(marker), "the shell's trap ran to its end");
            assertEquals("cleaned\n", Files.readString(marker));
            TextProfile p = TextProfile.parse(Files.readString(out));
            assertTrue(pids(p).size() >= 4, "the Python parent and its three children: " + pids(p));
        } finally {
            austin.destroyForcibly().waitFor();
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
