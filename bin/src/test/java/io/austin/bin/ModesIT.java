package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Fixtures;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.sampler.Pythons;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Every mode on every interpreter, on short targets like those of the recorded Austin outputs, in text and MOJO,
 * through a file and through standard output, each checked against a property that holds for the real program.
 */
class ModesIT {
    @TempDir
    Path tmp;

    private record Run(int status, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Run austin(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run("austin", new Cli.Streams(new ByteArrayInputStream(new byte[0]), out, err), args);
        return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** A MOJO profile decoded independently of how it was written, printed as text for the text checks. */
    private static TextProfile fromMojo(byte[] mojo) {
        assertEquals("MOJ", new String(mojo, 0, 3, StandardCharsets.US_ASCII));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        StackEvents.profile(() -> new ByteArrayInputStream(mojo)).as(StackEvents.writeText(text,
                CollapsedWriter.Layout.AUSTIN)).block();
        return TextProfile.parse(text.toString(StandardCharsets.UTF_8));
    }

    private static String[] cmd(Pythons.Python py, String target, String... args) {
        String[] out = new String[3 + args.length];
        out[0] = py.path().toString();
        out[1] = "-S";
        out[2] = Fixtures.target(target).toString();
        System.arraycopy(args, 0, out, 3, args.length);
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean has(TextProfile.Line l, String scope) {
        return l.scopes().contains(scope);
    }

    @TestFactory
    Stream<DynamicTest> wallTimeAddsUpToTheDurationPerThread() {
        return Pythons.each(py -> {
            Path out = tmp.resolve("wall.austin");
            Run r = austin(concat(new String[] {"-i", "1ms", "-o", out.toString()}, cmd(py, "two_threads.py")));
            assertEquals(0, r.status(), r.err());
            TextProfile p = TextProfile.parse(Files.readString(out));
            assertEquals("wall", p.header.get("mode"));
            long duration = Long.parseLong(p.footer.get("duration"));
            long main = p.lines.stream().filter(l -> l.tid() == l.pid()).mapToLong(TextProfile.Line::first).sum();
            // Each pass gives every thread the time since the previous one: the main thread, present from the first
            // pass to the last, adds up to the duration less the moment between the last pass and the end.
            long mainSamples = p.lines.stream().filter(l -> l.tid() == l.pid()).count();
            assertTrue(main <= duration && duration - main <= 15_000, "main thread " + main + " us of "
                    + duration + " us in " + mainSamples + " samples; " + r.err() + "\n"
                    + Files.readString(out).lines().filter(l -> l.startsWith("P")).limit(3).toList());
            assertTrue(p.lines.stream().anyMatch(l -> has(l, "worker")), "the worker thread is sampled");
            assertTrue(p.lines.size() >= 150, "samples: " + p.lines.size());
        });
    }

    @TestFactory
    Stream<DynamicTest> cpuModeDropsTheSleeper() {
        return Pythons.each(py -> {
            Run wall = austin(concat(new String[] {"-b", "-i", "2ms"}, cmd(py, "sleeper.py")));
            Path cpuFile = tmp.resolve("cpu.mojo");
            Run cpu = austin(concat(new String[] {"-b", "-s", "-i", "2ms", "-o", cpuFile.toString()},
                    cmd(py, "sleeper.py")));
            assertEquals(0, wall.status(), wall.err());
            assertEquals(0, cpu.status(), cpu.err());
            TextProfile w = fromMojo(wall.out());
            TextProfile c = fromMojo(Files.readAllBytes(cpuFile));
            assertEquals("cpu", c.header.get("mode"));
            long napsWall = w.lines.stream().filter(l -> has(l, "nap")).count();
            long napsCpu = c.lines.stream().filter(l -> has(l, "nap")).count();
            long busy = c.lines.stream().filter(l -> has(l, "busy")).count();
            assertTrue(napsWall > w.lines.size() / 3, "wall mode sees the naps: " + napsWall + "/" + w.lines.size());
            // A pass may catch the thread running at either edge of one of the four naps (calling into sleep, or
            // back from it with nap() still on the stack): CPU time spent in nap, rightly kept. Sleeping is dropped.
            assertTrue(napsCpu <= 4 + c.lines.size() / 20, "cpu mode drops the sleeping samples: " + napsCpu + "/"
                    + c.lines.size() + " (wall mode: " + napsWall + ")");
            assertTrue(busy >= 8, "the busy part is sampled: " + busy + " samples (Austin gave 16)");
        });
    }

    @TestFactory
    Stream<DynamicTest> memoryDeltasAddUpToTheResidentChange() {
        return Pythons.each(py -> {
            Path rss = tmp.resolve("rss.txt");
            Run r = austin(concat(new String[] {"-m", "-i", "1ms"}, cmd(py, "mem_alloc.py", rss.toString())));
            assertEquals(0, r.status(), r.err());
            TextProfile p = TextProfile.parse(r.text()); // on standard output
            assertEquals("memory", p.header.get("mode"));
            assertTrue(Long.parseLong(p.header.get("memory")) > 1024, "the machine's memory in KiB");
            assertTrue(p.lines.stream().allMatch(l -> l.metrics().length == 1 && l.first() != 0),
                    "one non-zero delta per sample");
            String[] truth = Files.readString(rss).split(" ");
            long change = Long.parseLong(truth[1]) - Long.parseLong(truth[0]);
            // The program measures itself after settle_before and after settle_after (spinning with the GIL, so a
            // pass reads the resident set there even when it comes late): the deltas of every sample after the last
            // settle_before one, up to the last settle_after one, add up to the same change, whatever frames the
            // passes in between caught. A delta goes to the sample of the pass that reads it.
            List<TextProfile.Line> lines = p.lines;
            int from = -1;
            int to = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (has(lines.get(i), "settle_before")) {
                    from = i;
                }
                if (has(lines.get(i), "settle_after")) {
                    to = i;
                }
            }
            assertTrue(from >= 0 && to > from, "both settling phases are sampled");
            long sum = 0;
            long peak = 0;
            for (int i = from + 1; i <= to; i++) {
                sum += lines.get(i).first();
                peak = Math.max(peak, sum);
            }
            assertTrue(Math.abs(sum - change) <= 2 << 20, "deltas add up to " + sum + ", the program saw "
                    + change + " bytes; samples with a delta over 64 KiB:\n" + String.join("\n", r.text().lines()
                    .filter(line -> line.startsWith("P") && Math.abs(Long.parseLong(line.substring(
                            line.lastIndexOf(' ') + 1))) > 65536).toList()));
            // Five 4 MB blocks at the peak; a pass that comes late on a loaded machine may read growths and the
            // releases after them as one delta (three blocks were seen with two busy loops beside the test), so
            // two at least.
            assertTrue(peak >= 7_500_000, "4 MB blocks at the peak: " + peak);
            assertTrue(p.lines.stream().filter(l -> has(l, "grow")).count() >= 5, "allocations in grow()");
            assertTrue(p.lines.size() >= 10, "samples: " + p.lines.size() + " (Austin gave 20)");
        });
    }

    @TestFactory
    Stream<DynamicTest> fullModeInPipeModeThroughStandardOutput() {
        return Pythons.each(py -> {
            Run r = austin(concat(new String[] {"-P", "-b", "-f", "-i", "2ms"}, cmd(py, "two_threads.py")));
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err(), "pipe mode is silent");
            TextProfile p = fromMojo(r.out());
            assertEquals("full", p.header.get("mode"));
            assertTrue(p.header.get("python").startsWith(py.major() + "." + py.minor() + "."), p.header.toString());
            assertTrue(p.lines.stream().allMatch(l -> l.metrics().length == 3), "T,I,M on every line");
            assertTrue(p.lines.stream().anyMatch(l -> l.metrics()[1] == 1), "idle threads are marked");
            assertTrue(p.lines.stream().anyMatch(l -> l.metrics()[1] == 0), "running threads are not");
            int samples = p.lines.size();
            assertTrue(samples >= 80, "samples: " + samples + " (Austin gave 155)");
            // The footer's denominators are the samples written.
            assertTrue(p.footer.get("saturation").endsWith("/" + samples), p.footer.toString());
            assertTrue(p.footer.get("errors").endsWith("/" + samples), p.footer.toString());
            assertEquals(3, p.footer.get("sampling").split(",").length);
        });
    }

    @TestFactory
    Stream<DynamicTest> gcMarksOnlyWithGcAndOnlyWhileItCollects() {
        return Pythons.each(py -> {
            Path out = tmp.resolve("gc.austin");
            Run gc = austin(concat(new String[] {"-g", "-i", "1ms", "-o", out.toString()}, cmd(py, "gc_heavy.py")));
            assertEquals(0, gc.status(), gc.err());
            TextProfile p = TextProfile.parse(Files.readString(out));
            long marked = p.lines.stream().filter(l -> l.has(":GC:")).count();
            assertTrue(marked >= p.lines.size() / 10, "the GC-heavy loop collects: " + marked + "/" + p.lines.size());
            long gcTime = Long.parseLong(p.footer.get("gc"));
            long markedTime = p.lines.stream().filter(l -> l.has(":GC:")).mapToLong(TextProfile.Line::first).sum();
            assertEquals(markedTime, gcTime, "the gc footer sums the marked samples' time");
            assertTrue(gc.err().contains("Garbage collector"), gc.err());
            assertTrue(p.lines.size() >= 90, "samples: " + p.lines.size() + " (Austin gave 173)");

            Run plain = austin(concat(new String[] {"-i", "1ms"}, cmd(py, "gc_heavy.py")));
            assertFalse(plain.text().contains(":GC:"), "no marker without -g");
            Run calm = austin(concat(new String[] {"-g", "-i", "1ms"}, cmd(py, "cpu_recursion.py")));
            TextProfile c = TextProfile.parse(calm.text());
            long calmMarked = c.lines.stream().filter(l -> l.has(":GC:")).count();
            assertTrue(calmMarked <= c.lines.size() / 50, "a loop that makes no cycles hardly collects: "
                    + calmMarked + "/" + c.lines.size());
        });
    }

    /** Sub-interpreters: every interpreter's threads, each T<iid>:<tid>. */
    @TestFactory
    Stream<DynamicTest> subInterpretersKeepTheirIds() {
        return Pythons.each(py -> {
            Run r = austin(concat(new String[] {"-i", "1ms"}, cmd(py, "subinterp.py", "1")));
            assertEquals(0, r.status(), r.err());
            TextProfile p = TextProfile.parse(r.text());
            assertTrue(p.lines.stream().anyMatch(l -> l.thread().startsWith("1:") && has(l, "in_sub")),
                    "interpreter 1's thread");
            assertTrue(p.lines.stream().anyMatch(l -> l.thread().startsWith("0:")), "the main interpreter's");
        });
    }
}
