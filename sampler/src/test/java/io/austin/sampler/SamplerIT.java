package io.austin.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.austin.formats.Frame;
import io.austin.formats.Metadata;
import io.austin.formats.StackEvent;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Pythons.Python;
import io.austin.sampler.Samples.Sample;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import reactor.core.publisher.Flux;

/** The sampler against real interpreters of every installed version. */
class SamplerIT {
    private static final String SHARES = "shares.py";

    private static SamplerOptions options() {
        return SamplerOptions.defaults().withInterval(Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(5));
    }

    private static List<StackEvent> spawn(Python py, SamplerOptions options, AtomicReference<Sampler.Run> run,
            String... args) {
        List<String> cmd = new ArrayList<>(List.of(py.path().toString(), "-S"));
        cmd.addAll(List.of(args));
        return Sampler.spawn(cmd, options, run::set).collectList().block(Duration.ofSeconds(60));
    }

    private static String scope(Python py, String cls, String name) {
        return py.qualified() ? cls + "." + name : name;
    }

    @TestFactory
    Stream<DynamicTest> spawnedTargetHasTheExpectedStacksAndShares() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            String script = Pythons.target(SHARES).toString();
            List<StackEvent> events = spawn(py, options(), run, script, "2");
            long pid = run.get().pid();
            assertEquals(new Metadata("austin", "3.7.0"), events.get(0));
            assertEquals(new Metadata("interval", "1000"), events.get(1));
            assertEquals(new Metadata("mode", "wall"), events.get(2));
            assertEquals("duration", ((Metadata) events.get(events.size() - 1)).key());

            Samples samples = Samples.of(events);
            List<Sample> main = samples.thread(pid, pid);
            assertTrue(main.size() > 500, "main-thread samples: " + main.size());

            // The full expected stack of a sample in the hot function.
            String spin = scope(py, "Worker", "spin");
            List<Frame> expected = new ArrayList<>();
            expected.add(Frame.of(script, "<module>", Pythons.line(SHARES, "module")));
            expected.add(Frame.of(script, "main", Pythons.line(SHARES, "main")));
            for (int i = 0; i < 5; i++) {
                expected.add(Frame.of(script, "recurse", Pythons.line(SHARES, "recurse")));
            }
            expected.add(Frame.of(script, "recurse", Pythons.line(SHARES, "recurse_leaf")));
            expected.add(Frame.of(script, spin, Pythons.line(SHARES, "spin_hot")));
            expected.add(Frame.of(script, "ünïcode_hot", Pythons.line(SHARES, "hot")));
            int busyLine = Pythons.line(SHARES, "busy");
            long exact = main.stream().filter(s -> s.frames().size() == expected.size() + 1
                    && strip(s.frames().subList(0, expected.size())).equals(expected)
                    && s.leaf().scope().equals("busy")
                    && (s.leaf().line() == busyLine || s.leaf().line() == busyLine + 1)).count();
            long hot = main.stream().filter(s -> s.has("ünïcode_hot")).count();
            long cold = main.stream().filter(s -> s.has("cold")).count();
            assertTrue(exact > hot * 0.9, "exact stacks " + exact + " of " + hot + " hot samples; e.g. "
                    + main.stream().filter(s -> s.has("ünïcode_hot")).findFirst().orElse(null));
            double share = hot / (double) (hot + cold);
            assertTrue(Math.abs(share - 0.70) < 0.06, "hot share " + share + " (hot " + hot + ", cold " + cold + ")");

            // The second thread sleeps in background().
            List<Sample> others = samples.all().stream().filter(s -> !s.header().tid().equals(Long.toHexString(pid)))
                    .toList();
            assertTrue(others.size() > 300, "second-thread samples: " + others.size());
            int bg = Pythons.line(SHARES, "background");
            long sleeping = others.stream().filter(s -> s.leaf() != null && s.leaf().scope().equals("background")
                    && s.leaf().line() == bg).count();
            assertTrue(sleeping > others.size() * 0.9, "background samples " + sleeping + " of " + others.size());
            assertTrue(samples.all().stream().allMatch(s -> s.header().iid() == 0));
            long invalid = samples.all().stream().filter(Sample::invalid).count();
            assertTrue(invalid <= samples.all().size() / 100, "invalid samples " + invalid);

            // -b and text of the same run agree.
            ByteArrayOutputStream mojo = new ByteArrayOutputStream();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            try (MojoWriter mw = new MojoWriter(mojo); CollapsedWriter tw = new CollapsedWriter(text)) {
                for (StackEvent e : events) {
                    mw.write(e);
                    tw.write(e);
                }
            }
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            try (MojoReader r = new MojoReader(new ByteArrayInputStream(mojo.toByteArray()));
                    CollapsedWriter tw = new CollapsedWriter(again)) {
                for (StackEvent e = r.next(); e != null; e = r.next()) {
                    tw.write(e);
                }
            }
            assertEquals(text.toString(StandardCharsets.UTF_8), again.toString(StandardCharsets.UTF_8));
        });
    }

    /** Columns are sampler detail the expected frames leave out. */
    private static List<Frame> strip(List<Frame> frames) {
        return frames.stream().map(f -> Frame.of(f.file(), f.scope(), f.line())).toList();
    }

    @TestFactory
    Stream<DynamicTest> attachesToARunningProcess() {
        return Pythons.each(py -> {
            Process p = new ProcessBuilder(py.path().toString(), "-S", Pythons.target(SHARES).toString(), "20")
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                String ready = out.readLine();
                assertTrue(ready != null && ready.startsWith("ready"), String.valueOf(ready));
                long workerTid = Long.parseLong(ready.split(" ")[2]);
                List<StackEvent> events = Sampler.attach((int) p.pid(), options().withExposure(Duration.ofMillis(800)))
                        .collectList().block(Duration.ofSeconds(30));
                Samples samples = Samples.of(events);
                assertTrue(samples.thread(p.pid(), p.pid()).stream().anyMatch(s -> s.has("ünïcode_hot")));
                assertTrue(samples.thread(p.pid(), workerTid).stream().anyMatch(s -> s.has("background")),
                        "worker thread " + workerTid + " sampled with its native id");
                assertTrue(p.isAlive(), "attaching must not harm the target");
            } finally {
                p.destroyForcibly().waitFor();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> subInterpretersShowTheirOwnId() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            List<StackEvent> events = spawn(py, options(), run, Pythons.target("subinterp.py").toString(), "1.5");
            Samples samples = Samples.of(events);
            assertTrue(samples.all().stream().anyMatch(s -> s.header().iid() == 1 && s.has("in_sub")),
                    "a sample of interpreter 1 in in_sub()");
            assertTrue(samples.all().stream().filter(s -> s.has("in_sub")).allMatch(s -> s.header().iid() == 1));
        });
    }

    @Test
    void notPythonEndsWithAustinsStatus() {
        SamplerException e = assertThrows(SamplerException.class, () -> Sampler.spawn(List.of("/bin/sleep", "5"),
                options().withTimeout(Duration.ofMillis(500))).blockLast(Duration.ofSeconds(30)));
        assertEquals(32, e.exitStatus(), e.getMessage());
    }

    @Test
    void launchFailureEndsWithAustinsStatus() {
        SamplerException e = assertThrows(SamplerException.class, () -> Sampler.spawn(
                List.of("/nonexistent/command"), options()).blockLast(Duration.ofSeconds(30)));
        assertEquals(33, e.exitStatus(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void vanishedPidEndsWithAustinsStatus() throws Exception {
        Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor();
        SamplerException e = assertThrows(SamplerException.class,
                () -> Sampler.attach((int) p.pid(), options()).blockLast(Duration.ofSeconds(30)));
        assertEquals(38, e.exitStatus(), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> cancelTerminatesAndReapsTheSpawnedChild() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            Flux<StackEvent> flux = Sampler.spawn(List.of(py.path().toString(), "-S",
                    Pythons.target(SHARES).toString(), "30"), options(), run::set);
            flux.filter(e -> e instanceof io.austin.formats.TimeMetric).take(5).blockLast(Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            ProcessHandle child = ProcessHandle.of(run.get().pid()).orElse(null);
            while (child != null && child.isAlive() && System.nanoTime() - t0 < 3_000_000_000L) {
                Thread.sleep(1);
            }
            System.out.println("[cancel] " + py + ": child gone " + (System.nanoTime() - t0) / 1000 + " us after "
                    + "blockLast returned");
            assertTrue(child == null || !child.isAlive(), "child still running after cancel");
        });
    }

    @TestFactory
    Stream<DynamicTest> anEmptyStopSignalEndsSamplingWithAFooter() {
        return Pythons.each(py -> {
            reactor.core.publisher.Sinks.Empty<Void> stop = reactor.core.publisher.Sinks.empty();
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            long t0 = System.nanoTime();
            List<StackEvent> events = Sampler.spawn(List.of(py.path().toString(), "-S",
                    Pythons.target(SHARES).toString(), "30"), options().withStop(stop.asMono()), run::set)
                    .doOnNext(e -> {
                        if (e instanceof io.austin.formats.TimeMetric) {
                            stop.tryEmitEmpty();
                        }
                    })
                    .collectList().block(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "stopped promptly");
            assertEquals("duration", ((Metadata) events.get(events.size() - 1)).key());
            ProcessHandle child = ProcessHandle.of(run.get().pid()).orElse(null);
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (child != null && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(child == null || !child.isAlive(), "the spawned target is terminated at the end");
        });
    }

    /** pyenv shims and launcher scripts exec the interpreter after we attach: the sampler follows the exec. */
    @TestFactory
    Stream<DynamicTest> followsAShellThatExecsPython() {
        return Pythons.each(py -> {
            AtomicReference<Sampler.Run> run = new AtomicReference<>();
            List<StackEvent> events = Sampler.spawn(List.of("/bin/sh", "-c", "sleep 0.05; exec \"$0\" -S \"$1\" 1",
                    py.path().toString(), Pythons.target(SHARES).toString()), options(), run::set)
                    .collectList().block(Duration.ofSeconds(30));
            Samples samples = Samples.of(events);
            assertTrue(samples.thread(run.get().pid(), run.get().pid()).stream().anyMatch(s -> s.has("ünïcode_hot")),
                    "samples of the exec'd interpreter");
        });
    }

    /**
     * The timer is the options' Scheduler: on virtual time, passes happen only as time is advanced, a tick that
     * arrives while the previous pass's events are not consumed is skipped and counted, and the exposure ends the
     * run with a footer.
     */
    @Test
    void virtualTimeDrivesPassesAndLateTicksAreCounted() {
        Python py = Pythons.any();
        reactor.test.scheduler.VirtualTimeScheduler vts = reactor.test.scheduler.VirtualTimeScheduler.create();
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        SamplerOptions o = options().withInterval(Duration.ofSeconds(1)).withExposure(Duration.ofSeconds(10))
                .withScheduler(vts);
        Flux<StackEvent> flux = Sampler.spawn(List.of(py.path().toString(), "-S", Pythons.target(SHARES).toString(),
                "60"), o, run::set);
        reactor.test.StepVerifier.create(flux, 3)
                .expectNextCount(3) // the header
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(3)))
                .then(() -> {
                    SamplerStats stats = run.get().stats();
                    assertTrue(stats.passes() <= 2, "passes without demand: " + stats.passes());
                    assertTrue(stats.lateTicks() >= 2, "late ticks counted: " + stats.lateTicks());
                })
                .thenRequest(Long.MAX_VALUE)
                .then(() -> vts.advanceTimeBy(Duration.ofSeconds(8)))
                .thenConsumeWhile(e -> true)
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        SamplerStats stats = run.get().stats();
        assertTrue(stats.passes() >= 5 && stats.passes() <= 10, "passes at 1 s virtual intervals: " + stats.passes());
        assertTrue(stats.samples() >= stats.passes(), "samples: " + stats.samples());
    }
}
