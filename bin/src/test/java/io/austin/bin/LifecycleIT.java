package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.sampler.Pythons;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code austin} starts, ends and fails: attach ending on a zombie, exposure at any interval, the spawned
 * program's output kept out of the profile, signals in attach mode, and Austin's exit statuses and phrases.
 */
class LifecycleIT {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err, long millis) {
    }

    private static Result austin(String... args) {
        long t0 = System.nanoTime();
        ToolRun r = ToolRun.of("austin", args);
        return new Result(r.status(), r.out(), r.err(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static String python() {
        return Pythons.any().path().toString();
    }

    /** A parent that never reaps its child: when the child ends it is a zombie, and the attached run must end. */
    @Test
    void attachEndsPromptlyWhenTheTargetBecomesAnUnreapedZombie() throws Exception {
        Process parent = new ProcessBuilder(python(), "-S", Fixtures.target("unreaped_child.py").toString(), "2",
                "60").redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8));
            int child = Integer.parseInt(lines.readLine().strip());
            AtomicLong zombieAt = new AtomicLong();
            Thread watcher = new Thread(() -> {
                Path stat = Path.of("/proc", Integer.toString(child), "stat");
                while (zombieAt.get() == 0) {
                    try {
                        String s = Files.readString(stat);
                        if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                            zombieAt.set(System.nanoTime());
                        }
                        Thread.sleep(1);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            watcher.start();
            Path out = tmp.resolve("zombie.austin");
            Result r = austin("-i", "1ms", "-o", out.toString(), "-p", Integer.toString(child));
            long endedAt = System.nanoTime();
            watcher.join(5000);
            assertEquals(0, r.status(), r.err());
            assertTrue(zombieAt.get() > 0, "the child became a zombie while austin sampled it");
            long lag = (endedAt - zombieAt.get()) / 1_000_000;
            assertTrue(lag <= 500, "austin ended " + lag + " ms after the target became a zombie");
            TextProfile p = TextProfile.parse(Files.readString(out));
            assertTrue(p.footer.containsKey("duration"), "the footer is written");
            assertTrue(p.timeIn("child_work", "child_work") > 500_000, "the child's work was sampled: "
                    + p.lines.size() + " samples, " + p.timeIn("child_work", "child_work") + " us; " + r.err());
            assertTrue(parent.isAlive(), "the parent is never signalled");
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    /** {@code -x} ends the run at any interval, {@code -i 0} included, and accepts a unit. */
    @Test
    void exposureHoldsAtIntervalZeroAndTakesUnits() throws Exception {
        Process target = new ProcessBuilder(python(), "-S", Fixtures.target("shares.py").toString(), "30")
                .redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            Path out = tmp.resolve("fast.austin");
            Result fast = austin("-i", "0", "-x", "1", "-o", out.toString(), "-p", Long.toString(target.pid()));
            assertEquals(0, fast.status(), fast.err());
            assertTrue(fast.millis() >= 900 && fast.millis() < 3000, "-i 0 -x 1 ran " + fast.millis() + " ms");
            assertTrue(fast.err().contains("Long sampling rate : 0/"), "no sample is longer than no interval: "
                    + fast.err());
            TextProfile p = TextProfile.parse(Files.readString(out));
            long duration = Long.parseLong(p.footer.get("duration"));
            assertTrue(duration >= 950_000 && duration < 1_500_000, "duration " + duration);
            assertTrue(p.lines.size() > 2_000, "as fast as possible: " + p.lines.size() + " samples in 1 s");

            Result unit = austin("-i", "1ms", "-x", "1s", "-o", tmp.resolve("unit.austin").toString(), "-p",
                    Long.toString(target.pid()));
            assertEquals(0, unit.status(), unit.err());
            assertTrue(unit.err().contains("Sampling for 1 second"), unit.err());
            assertTrue(unit.millis() >= 900 && unit.millis() < 3000, "-x 1s ran " + unit.millis() + " ms");
            Result ms = austin("-i", "1ms", "-x", "300ms", "-o", tmp.resolve("ms.austin").toString(), "-p",
                    Long.toString(target.pid()));
            assertEquals(0, ms.status(), ms.err());
            assertTrue(ms.millis() < 2500, "-x 300ms ran " + ms.millis() + " ms");
            assertTrue(target.isAlive(), "attaching must not harm the target");
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /** Samples on standard output, text and MOJO: the program's own prints go to /dev/null, as Austin does. */
    @Test
    void aChattyProgramLeavesTheProfileOnStandardOutputClean() throws Exception {
        Path launcher = Paths.get("austin").toAbsolutePath();
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Path text = tmp.resolve("chatty.txt");
        Process p = new ProcessBuilder(launcher.toString(), "-i", "1ms", python(), "-S",
                Fixtures.target("chatty.py").toString(), "1").redirectOutput(text.toFile())
                .redirectError(tmp.resolve("chatty.err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("chatty.err")));
        String out = Files.readString(text);
        assertFalse(out.contains("not a sample"), "the program's output is not in the profile");
        TextProfile profile = TextProfile.parse(out); // every line is metadata or a sample
        assertTrue(profile.timeIn("compute", "compute") > 0, "the program was sampled");

        Path mojo = tmp.resolve("chatty.mojo");
        Process b = new ProcessBuilder(launcher.toString(), "-P", "-b", "-i", "1ms", python(), "-S",
                Fixtures.target("chatty.py").toString(), "1").redirectOutput(mojo.toFile())
                .redirectError(tmp.resolve("chattyb.err").toFile()).start();
        assertTrue(b.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, b.exitValue(), Files.readString(tmp.resolve("chattyb.err")));
        assertEquals("", Files.readString(tmp.resolve("chattyb.err")), "pipe mode is silent");
        byte[] bytes = Files.readAllBytes(mojo);
        assertEquals("MOJ", new String(bytes, 0, 3, StandardCharsets.US_ASCII));
        List<ProfileEvent> events = StackEvents.profile(mojo).collectList().block();
        assertTrue(events.stream().anyMatch(e -> e instanceof Sample), "samples decode");
    }

    /** SIGINT and SIGTERM in attach mode: footer written, Austin's status, and the target left alone. */
    @Test
    void signalsInAttachModeLeaveTheTargetAlone() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Process target = new ProcessBuilder(python(), "-S", Fixtures.target("shares.py").toString(), "60")
                .redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            for (String[] sig : List.of(new String[] {"INT", "254"}, new String[] {"TERM", "241"},
                    new String[] {"HUP", "129"})) {
                Path out = tmp.resolve("attach-" + sig[0] + ".austin");
                Process austin = new ProcessBuilder(Paths.get("austin").toAbsolutePath().toString(), "-i", "1ms",
                        "-o", out.toString(), "-p", Long.toString(target.pid())).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("attach-" + sig[0] + ".log").toFile()).start();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < deadline && (!Files.exists(out) || Files.size(out) < 5_000)) {
                    Thread.sleep(20);
                }
                new ProcessBuilder("kill", "-" + sig[0], Long.toString(austin.pid())).start().waitFor();
                assertTrue(austin.waitFor(20, TimeUnit.SECONDS), "austin did not stop on SIG" + sig[0]);
                assertEquals(Integer.parseInt(sig[1]), austin.exitValue(),
                        Files.readString(tmp.resolve("attach-" + sig[0] + ".log")));
                TextProfile p = TextProfile.parse(Files.readString(out));
                assertTrue(p.footer.containsKey("duration"), "footer after SIG" + sig[0]);
                assertTrue(target.isAlive(), "the attached target is never signalled (SIG" + sig[0] + ")");
            }
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /**
     * The target is only read: austin attached and traced by strace reads the target's memory, and never writes it,
     * never ptraces anything, and sends no signal to the target or any of its threads.
     */
    @Test
    void anAttachedTargetIsOnlyRead() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Path strace = Paths.get("/usr/bin/strace");
        if (!Files.isExecutable(strace)) {
            if (Pythons.REQUIRED) {
                org.junit.jupiter.api.Assertions.fail("strace is not installed (CI installs it)");
            }
            assumeTrue(false, "strace is not installed");
        }
        Process target = new ProcessBuilder(python(), "-S", Fixtures.target("shares.py").toString(), "60")
                .redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (java.util.stream.Stream<Path> tasks = Files.list(Paths.get("/proc/" + target.pid() + "/task"))) {
                tasks.forEach(t -> ids.add(t.getFileName().toString()));
            }
            Path log = tmp.resolve("strace.log");
            Path out = tmp.resolve("traced.austin");
            Process austin = new ProcessBuilder(strace.toString(), "-f", "-qq", "-o", log.toString(), "-e",
                    "trace=process_vm_readv,process_vm_writev,ptrace,kill,tkill,tgkill,pidfd_send_signal,"
                            + "rt_sigqueueinfo,rt_tgsigqueueinfo",
                    Paths.get("austin").toAbsolutePath().toString(), "-i", "1ms", "-x", "2", "-o", out.toString(),
                    "-p", Long.toString(target.pid())).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("traced.log").toFile()).start();
            assertTrue(austin.waitFor(120, TimeUnit.SECONDS), "austin under strace finished");
            assertEquals(0, austin.exitValue(), Files.readString(tmp.resolve("traced.log")));
            List<String> calls = Files.readAllLines(log);
            long reads = calls.stream().filter(l -> l.contains("process_vm_readv(" + target.pid() + ",")).count();
            assertTrue(reads > 100, "the audit saw austin read the target's memory: " + reads + " calls");
            java.util.regex.Pattern signal = java.util.regex.Pattern.compile(
                    "\\b(kill|tkill|tgkill|rt_sigqueueinfo|rt_tgsigqueueinfo)\\((-?\\d+)");
            List<String> bad = new ArrayList<>();
            for (String line : calls) {
                if (line.contains("process_vm_writev(") || line.contains("ptrace(")
                        || line.contains("pidfd_send_signal(")) {
                    bad.add(line);
                }
                java.util.regex.Matcher m = signal.matcher(line);
                if (m.find() && ids.contains(m.group(2).replace("-", ""))) {
                    bad.add(line);
                }
            }
            assertEquals(List.of(), bad, "system calls aimed at the target (pid " + target.pid() + ")");
            assertTrue(target.isAlive());
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /**
     * A closed output pipe ({@code austin ... | head}): austin stops at its next write with one line and status 74
     * (Austin dies of SIGPIPE), and its spawned program is stopped too, not left running.
     */
    @Test
    void aClosedOutputPipeStopsTheRun() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Process austin = new ProcessBuilder(Paths.get("austin").toAbsolutePath().toString(), "-i", "1ms", python(),
                "-S", Fixtures.target("busy_and_sleeping.py").toString(), "60")
                .redirectError(tmp.resolve("pipe.log").toFile()).start();
        long pid = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(austin.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("P")) {
                    pid = Long.parseLong(line.substring(1, line.indexOf(';')));
                    break;
                }
            }
        } // closing our end: austin's next write fails with EPIPE
        assertTrue(pid > 0, "a sample line names the target");
        long start = System.nanoTime();
        assertTrue(austin.waitFor(20, TimeUnit.SECONDS), "austin stops when its output pipe is closed");
        String err = Files.readString(tmp.resolve("pipe.log"));
        assertEquals(ExitCodes.IO_ERROR, austin.exitValue(), err);
        assertTrue(err.contains("austin: cannot write the output: "), err);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "well before the target's 60 s");
        java.util.Optional<ProcessHandle> target = ProcessHandle.of(pid);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (target.isPresent() && target.get().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(target.isPresent() && target.get().isAlive(), "the spawned program is stopped too");
    }

    /** Austin 3.7's statuses, with the phrases scripts match (spec A.14, as observed on the real binary). */
    @Test
    void failuresGiveAustinsStatusesAndPhrases() throws Exception {
        Result noPid = austin("-p", "9999999");
        assertEquals(36, noPid.status(), noPid.err());
        assertTrue(noPid.err().contains("Cannot attach to the given process"), noPid.err());

        Process sleeper = new ProcessBuilder("/bin/sleep", "30").start();
        Result init;
        try {
            init = austin("-t", "500", "-p", Long.toString(sleeper.pid()));
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertEquals(32, init.status(), init.err());
        assertTrue(init.err().contains("not a Python process"), init.err());

        Result shell = austin("-t", "300", "bash", "-c", "sleep 2");
        assertEquals(32, shell.status(), shell.err());
        assertTrue(shell.err().contains("not a Python process"), shell.err());

        Result missing = austin("nonexistent_command_for_austin");
        assertEquals(33, missing.status(), missing.err());
        assertTrue(missing.err().contains("Cannot launch the given command"), missing.err());

        Result quick = austin("/bin/true");
        assertEquals(33, quick.status(), quick.err());
        assertTrue(quick.err().contains("terminated too quickly"), quick.err());

        // The Python runtime mapped but never started: no interpreter state within -t.
        Path lib = Paths.get("/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0");
        Pythons.get("3.12.1");
        Result noInterp = austin("-t", "300", "/lib64/ld-linux-x86-64.so.2", "--preload", lib.toString(),
                "/bin/sleep", "5");
        assertEquals(35, noInterp.status(), noInterp.err());
        assertTrue(noInterp.err().contains("no interpreter state"), noInterp.err());

        Result full = austin("-i", "1ms", "-o", "/dev/full", python(), "-S", "-c",
                "import time; time.sleep(0.3)");
        assertEquals(74, full.status(), full.err());
        assertTrue(full.err().contains("cannot write the output"), full.err());

        for (Result r : List.of(noPid, init, shell, missing, quick, noInterp, full)) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            List<String> errors = r.err().lines().filter(l -> l.startsWith("austin: ")).toList();
            assertEquals(1, errors.size(), "one line: " + r.err());
        }
    }

    /**
     * Status 37: an unprivileged user attaching to a root-owned Python (the launcher run as nobody, who cannot even
     * write the archive folder: it must still start, silently). The phrase is Austin's.
     */
    @Test
    void attachingWithoutTheRightsGives37() throws Exception {
        Path setpriv = Paths.get("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv not installed");
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid")), "not root");
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Process target = new ProcessBuilder(python(), "-S", "-c", "import time; print('ready', flush=True); "
                + "time.sleep(60)").redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            ProcessBuilder pb = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534",
                    "--clear-groups", Paths.get("austin").toAbsolutePath().toString(), "-x", "1", "-p",
                    Long.toString(target.pid())).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("HOME", "/nonexistent");
            pb.environment().remove("XDG_CACHE_HOME");
            Process austin = pb.start();
            String err = new String(austin.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(austin.waitFor(60, TimeUnit.SECONDS), "austin finished");
            assertEquals(37, austin.exitValue(), err);
            assertTrue(err.contains("Insufficient permissions"), err);
            List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), "one line, no JVM or archive noise: " + err);
            assertTrue(target.isAlive(), "the target is untouched");
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /**
     * The positive case: an unprivileged user with only CAP_SYS_PTRACE profiles root's Python, whose files that user
     * cannot even open (they are under /root): the runtime is found from the process's memory.
     */
    @Test
    void ptraceCapabilityAloneIsEnoughToProfileAnotherUsersPython() throws Exception {
        Path setpriv = Paths.get("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv not installed");
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid")), "not root");
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Process target = new ProcessBuilder(python(), "-S", Fixtures.target("shares.py").toString(), "60")
                .redirectErrorStream(true).start();
        try {
            assertTrue(new String(target.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
            ProcessBuilder pb = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534",
                    "--clear-groups", "--inh-caps=+sys_ptrace", "--ambient-caps=+sys_ptrace",
                    Paths.get("austin").toAbsolutePath().toString(), "-i", "1ms", "-x", "1", "-p",
                    Long.toString(target.pid()));
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("HOME", "/nonexistent");
            pb.environment().remove("XDG_CACHE_HOME");
            pb.redirectError(tmp.resolve("cap.log").toFile());
            Process austin = pb.start();
            String out = new String(austin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(austin.waitFor(60, TimeUnit.SECONDS), "austin finished");
            String err = Files.readString(tmp.resolve("cap.log"));
            assertEquals(0, austin.exitValue(), err);
            TextProfile p = TextProfile.parse(out);
            assertTrue(p.lines.size() > 100, "samples of root's Python: " + p.lines.size() + "\n" + err);
            assertTrue(out.contains("shares.py"), "its frames, with their file names");
            assertTrue(target.isAlive(), "the target is untouched");
        } finally {
            target.destroyForcibly().waitFor();
        }
    }

    /** The statistics banner tells the truth about the output it goes with. */
    @Test
    void statisticsBannerAgreesWithTheOutput() throws Exception {
        Path out = tmp.resolve("banner.austin");
        Result r = austin("-i", "1ms", "-o", out.toString(), python(), "-S", Fixtures.target("two_threads.py")
                .toString());
        assertEquals(0, r.status(), r.err());
        TextProfile p = TextProfile.parse(Files.readString(out));
        int samples = p.lines.size();
        long invalid = p.lines.stream().filter(l -> l.has(":INVALID:")).count();
        assertTrue(r.err().contains("Long sampling rate : ") && r.err().contains("/" + samples + " ("),
                "the banner counts the samples written (" + samples + "): " + r.err());
        assertTrue(r.err().contains("Error rate : " + invalid + "/" + samples + " "), r.err());
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("Sampling duration : ([0-9.]+) s")
                .matcher(r.err());
        assertTrue(d.find(), r.err());
        double banner = Double.parseDouble(d.group(1));
        double footer = Long.parseLong(p.footer.get("duration")) / 1e6;
        assertTrue(Math.abs(banner - footer) <= 0.006, "banner " + banner + " s, footer " + footer + " s");
        java.util.regex.Matcher f = java.util.regex.Pattern.compile("Frame sampling \\(min/avg/max\\) : "
                + "(\\d+)/(\\d+)/(\\d+)").matcher(r.err());
        assertTrue(f.find(), r.err());
        long min = Long.parseLong(f.group(1));
        long avg = Long.parseLong(f.group(2));
        long max = Long.parseLong(f.group(3));
        assertTrue(min <= avg && avg <= max && max < 1_000_000, "min/avg/max in microseconds: " + f.group());
    }

    /** {@code -h} takes a size and is accepted in every spelling; help is {@code -?}, as in Austin 3.7. */
    @Test
    void heapIsAcceptedInEverySpelling() {
        for (String[] args : List.of(new String[] {"-h", "16"}, new String[] {"-h16"}, new String[] {"--heap", "16"},
                new String[] {"--heap=16"})) {
            List<String> all = new ArrayList<>(List.of(args));
            // A target that lives long enough to be found: "-c pass" can end first (status 33, as with Austin).
            all.addAll(List.of("-i", "1ms", "-o", tmp.resolve("h.austin").toString(), python(), "-S", "-c",
                    "import time; time.sleep(0.1)"));
            Result r = austin(all.toArray(String[]::new));
            assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        }
        Result bad = austin("-h", "lots", python(), "-c", "pass");
        assertEquals(64, bad.status(), bad.err());
        assertEquals(64, austin("-h").status(), "-h needs its size");
        assertEquals(0, austin("-?").status());
    }

    /** {@code --help} as Austin lays it out: words never cut, 80 columns, descriptions in one column. */
    @Test
    void helpIsLaidOutLikeAustins() {
        Result help = austin("--help");
        assertEquals(0, help.status());
        List<String> lines = help.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Usage: austin [OPTION...] command [ARG...]"), help.out());
        List<Integer> columns = new ArrayList<>();
        for (String line : lines) {
            assertTrue(line.length() <= 80, "longer than 80 columns: " + line);
            if (line.startsWith("  -") || line.startsWith("      --")) {
                int at = line.indexOf("  ", 6);
                while (at < line.length() && line.charAt(at) == ' ') {
                    at++;
                }
                columns.add(at);
            }
        }
        assertTrue(columns.size() >= 17, "every option listed: " + help.out());
        assertEquals(1, columns.stream().distinct().count(), "descriptions in one column: " + columns);
        String joined = String.join(" ", lines).replaceAll(" +", " ");
        assertTrue(joined.contains("samples the Python stacks of all its threads"), "no mid-sentence break: "
                + help.out());
        assertTrue(help.out().contains("-h, --heap"), help.out());
        assertTrue(help.out().contains("no effect here"), "what -h does here is said");
    }
}
