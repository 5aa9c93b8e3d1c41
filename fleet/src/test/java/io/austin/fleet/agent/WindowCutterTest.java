package io.austin.fleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.fleet.pprof.PprofMerger;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Windows aligned to multiples of their length, one per process, each a pprof of exactly its samples. */
class WindowCutterTest {
    private static Sample sample(int pid, String function, long time) {
        return Sample.timed(ThreadKey.of(pid, 0, pid), List.of(FrameRef.of(Frame.of("app.py", "main", 1)),
                FrameRef.of(Frame.of("app.py", function, 7))), 0, time);
    }

    @Test
    void windowsAreAlignedPerProcessAndCarryTheirSamples() {
        long length = 10_000;
        long now = 1_700_000_003_456L;
        WindowCutter c = new WindowCutter("api", "host-a", length, now, false);
        assertEquals(1_700_000_000_000L, c.start(), "the window containing now, at a multiple of its length");
        c.accept(new Metadata("austin", "3.7.0"));
        c.accept(new Metadata("interval", "10000"));
        c.accept(new Metadata("mode", "cpu"));
        c.python(41, "3.12.1");
        for (int i = 0; i < 30; i++) {
            c.accept(sample(41, "hot", 100));
        }
        for (int i = 0; i < 12; i++) {
            c.accept(sample(42, "cold", 50));
        }
        List<Window> first = c.cut(1_700_000_010_000L);
        first = first.stream().sorted(Comparator.comparingInt(Window::pid)).toList();
        assertEquals(2, first.size(), "one window per process");
        Window w = first.get(0);
        assertEquals(List.of(41, 1_700_000_000_000L, 1_700_000_010_000L, 30L, "cpu", "3.12.1", "api", "host-a"),
                List.of(w.pid(), w.start(), w.end(), w.samples(), w.mode(), w.python(), w.service(), w.host()));
        PprofMerger m = new PprofMerger();
        m.add(w.pprof(), Map.of());
        assertEquals(List.of("samples/count", "CPU time/\u03bcs"), m.sampleTypes());
        assertEquals(30, m.totals()[0]);
        assertEquals(3000, m.totals()[1]);
        assertEquals(12, first.get(1).samples());

        c.accept(new Metadata("duration", "123")); // a footer is not part of the next windows' header
        c.accept(sample(41, "hot", 100));
        List<Window> last = c.cut(1_700_000_013_000L); // the run ended mid-window
        assertEquals(1, last.size(), "no empty window for a process without samples");
        assertEquals(1_700_000_010_000L, last.get(0).start());
        assertEquals(1_700_000_013_000L, last.get(0).end());
        assertTrue(c.cut(1_700_000_020_000L).isEmpty());
    }
}
