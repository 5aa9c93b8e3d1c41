package io.austin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run as documented, on a real interpreter. */
class ExamplesIT {
    @TempDir
    Path tmp;

    private static Path python() {
        return io.austin.sampler.Pythons.any().path();
    }

    @Test
    void profileToSpeedscopeWritesAProfileOfFib() throws Exception {
        Path out = tmp.resolve("fib.json");
        ProfileToSpeedscope.main(new String[] {out.toString(), python().toString(), "-S",
            Paths.get("python/fib.py").toAbsolutePath().toString()});
        String json = Files.readString(out);
        assertTrue(json.startsWith("{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\""), json);
        int i = json.indexOf("\"fib\"");
        String file = Paths.get("python/fib.py").toAbsolutePath().toString();
        assertTrue(json.contains("\"name\": \"fib\", \"file\": \"" + file + "\""),
                i < 0 ? "no fib frame" : json.substring(Math.max(0, i - 100), Math.min(json.length(), i + 100)));
        assertTrue(json.contains("\"name\": \"napper\""), "the second thread is profiled too");
    }

    /**
     * A real CPU-mode run cut into 1 s profiles: each keeps the mode, no sample is split (every cell holds whole
     * samples with their CPU time), and the seconds add up to the whole run's profile, sample for sample.
     */
    @Test
    void cpuPerSecondWindowsKeepTheModeAndAddUpToTheWholeRun() {
        CpuPerSecond.Result r = CpuPerSecond.profile(List.of(python().toString(), "-S",
                Paths.get("python/busy.py").toAbsolutePath().toString()), java.time.Duration.ofSeconds(1));
        List<io.austin.converters.profile.Profile> periods = r.periods();
        assertTrue(periods.size() >= 4 && periods.size() <= 6, periods.size() + " windows for a 3.5 s run");
        long samples = 0;
        long cpu = 0;
        for (io.austin.converters.profile.Profile p : periods) {
            assertEquals(io.austin.formats.Mode.CPU, p.mode(), "every window keeps the run's mode");
            assertEquals(List.of(io.austin.converters.profile.Metric.CPU_TIME), p.metrics());
            assertEquals("cpu", p.metadata("mode"));
            long cellSamples = 0;
            for (int c = 0; c < p.cells(); c++) {
                assertTrue(p.samples(c) > 0 && p.value(c, 0) > 0, "a cell of whole samples with their CPU time");
                cellSamples += p.samples(c);
            }
            assertEquals(p.samples(), cellSamples);
            samples += p.samples();
            cpu += p.total(0);
        }
        assertEquals(r.whole().samples(), samples, "the windows' samples are the run's");
        assertEquals(r.whole().total(0), cpu, "the windows' CPU time is the run's");
        assertTrue(r.whole().samples() > 1000, r.whole().samples() + " samples");
        // The middle seconds are whole seconds of the run: each holds a fair share of its CPU time (a 3.5 s run puts
        // about 2/7 of it in each; a windowing that held samples back would leave them nearly empty). How much CPU a
        // second holds is the machine's to say: on a busy one the program gets less than half a core (477 ms was
        // seen), so the bound is relative. No second holds much more than one of a one-threaded program's CPU: the
        // slack is for samples that reach the window a little late, while the consumer waits for a core.
        long share = r.whole().total(0) / 8;
        for (io.austin.converters.profile.Profile p : periods.subList(1, 3)) {
            assertTrue(p.total(0) > share && p.total(0) < 1_250_000,
                    p.total(0) + " us of CPU in a second, of " + r.whole().total(0) + " us in " + periods.size()
                            + " windows");
        }
        String busiest = CpuPerSecond.busiest(r.whole());
        assertTrue(busiest.matches("\\S*(crunch|hash_strings|<genexpr>|<setcomp>) \\(.*busy.py:.*"), busiest);
    }

    /** A wall-mode MOJO profile of {@code python/NAME ARGS...}, sampled every millisecond through the library. */
    static Path profile(Path dir, String name, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(python().toString(), "-S",
                Paths.get("python", name).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve(name.replace(".py", "") + "-" + String.join("-", args) + ".mojo");
        io.austin.sampler.SamplerOptions options = io.austin.sampler.SamplerOptions.defaults()
                .withInterval(java.time.Duration.ofMillis(1)).withQuietChild(true);
        try (java.io.OutputStream file = Files.newOutputStream(out)) {
            io.austin.sampler.Sampler.spawn(command, options)
                    .as(io.austin.converters.Conversions.writeTo(io.austin.converters.Conversions.toMojo(), file))
                    .block();
        }
        return out;
    }

    private static String capture(java.util.function.Consumer<java.io.PrintStream> body) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        body.accept(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The top table of a real profile: render() does three times parse()'s rounds, and the table says so. */
    @Test
    void topFunctionsListsTheHottestWithOwnAndTotalTime() throws Exception {
        io.austin.converters.profile.Profile p = TopFunctions.read(profile(tmp, "work.py", "1", "3"));
        String table = capture(out -> TopFunctions.print(p, 10, out));
        System.out.println(table);
        List<String> rows = table.lines().toList();
        assertTrue(rows.get(0).startsWith("Wall time: "), table);
        assertTrue(rows.get(1).matches(" +OWN% +TOTAL% +OWN ms +TOTAL ms +FUNCTION"), table);
        assertTrue(rows.get(2).contains(" render (") && rows.get(2).contains("work.py:"), "render on top: " + table);
        double renderTotal = totalPercent(rows, "render");
        double parseTotal = totalPercent(rows, "parse");
        assertTrue(renderTotal > 1.5 * parseTotal, table);
        assertTrue(totalPercent(rows, "main") > 90, "main holds nearly all the time: " + table);
    }

    private static double totalPercent(List<String> rows, String function) {
        for (String row : rows) {
            if (row.contains(" " + function + " (")) {
                return Double.parseDouble(row.trim().split("%? +")[1].replace("%", ""));
            }
        }
        throw new AssertionError(function + " not in " + rows);
    }

    /** The diff of two real runs whose phases swapped weights: render got hotter, parse colder, by a lot. */
    @Test
    void profileDiffShowsWhatGotHotterAndColder() throws Exception {
        Path before = profile(tmp, "work.py", "3", "1");
        Path after = profile(tmp, "work.py", "1", "3");
        List<ProfileDiff.Change> changes = ProfileDiff.compare(TopFunctions.read(before), TopFunctions.read(after));
        System.out.println(capture(out -> ProfileDiff.print(changes, 5, out)));
        ProfileDiff.Change render = changes.stream().filter(c -> c.scope().equals("render")).findFirst().get();
        ProfileDiff.Change parse = changes.stream().filter(c -> c.scope().equals("parse")).findFirst().get();
        assertTrue(render.delta() > 20 && parse.delta() < -20, changes.subList(0, 3).toString());
        assertTrue(changes.subList(0, 2).contains(render) && changes.subList(0, 2).contains(parse),
                "the two biggest changes: " + changes.subList(0, 3));
    }

    /** Five one-second tables of a running process, each with the busy functions on top; the target lives on. */
    @Test
    void liveTopPrintsATableEverySecondAndLeavesTheTargetRunning() throws Exception {
        Process target = new ProcessBuilder(python().toString(), "-S",
                Paths.get("python/busy.py").toAbsolutePath().toString(), "12")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300); // past the interpreter's start
            List<io.austin.converters.profile.Profile> windows = new java.util.ArrayList<>();
            String out = capture(o -> windows.addAll(LiveTop.watch((int) target.pid(), 5, 5, o)));
            System.out.println(out);
            assertTrue(windows.size() >= 5 && windows.size() <= 6, windows.size() + " windows");
            assertEquals(windows.size(), out.lines().filter(l -> l.startsWith("--- second ")).count(), out);
            // Each full second holds a fair share of the CPU the tables saw (relative: a busy machine gives the
            // target less than a core, and that is the machine's to say).
            long all = windows.stream().mapToLong(w -> w.total(0)).sum();
            for (io.austin.converters.profile.Profile w : windows.subList(1, 4)) {
                String top = io.austin.converters.top.FunctionStats.top(w, 0, 1).get(0).scope();
                assertTrue(top.matches(".*(crunch|hash_strings|<genexpr>|<setcomp>)"), top);
                assertTrue(w.total(0) > all / (3L * windows.size()), w.total(0) + " us of CPU in a second of a busy "
                        + "process, of " + all + " us in " + windows.size() + " seconds");
            }
            assertTrue(target.isAlive(), "detaching leaves the target running");
        } finally {
            target.destroy();
            target.waitFor();
        }
    }
}
