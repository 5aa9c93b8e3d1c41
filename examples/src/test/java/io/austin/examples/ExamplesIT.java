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
        // The middle seconds are full seconds of a CPU-bound program.
        for (io.austin.converters.profile.Profile p : periods.subList(1, 3)) {
            assertTrue(p.total(0) > 500_000 && p.total(0) < 1_100_000, p.total(0) + " us of CPU in a second");
        }
        String busiest = CpuPerSecond.busiest(r.whole());
        assertTrue(busiest.matches("\\S*(crunch|hash_strings|<genexpr>|<setcomp>) \\(.*busy.py:.*"), busiest);
    }
}
