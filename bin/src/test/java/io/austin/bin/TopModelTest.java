package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.bin.TopTable.Caller;
import io.austin.bin.TopTable.Row;
import io.austin.bin.TopTable.Scope;
import io.austin.bin.TopTable.Sort;
import io.austin.bin.TopTally.Fn;
import io.austin.converters.profile.Metric;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** austin-top's numbers without a terminal: windows, scopes, sorting, search and callers. */
class TopModelTest {
    private static final ThreadKey A = ThreadKey.of(10, 0, 11);
    private static final ThreadKey B = ThreadKey.of(10, 0, 12);
    private static final ThreadKey C = ThreadKey.of(20, 0, 21);
    private static final FrameRef MAIN = ref("app.py", "main", 5);
    private static final FrameRef HOT = ref("app.py", "hot", 10);
    private static final FrameRef HOT_LATER = ref("app.py", "hot", 12); // the same function, another line
    private static final FrameRef WARM = ref("app.py", "warm", 20);
    private static final FrameRef OTHER = ref("lib.py", "other", 3);
    private static final FrameRef SIDE = ref("side.py", "side", 7);

    private static FrameRef ref(String file, String scope, long line) {
        return FrameRef.of(Frame.of(file, scope, line));
    }

    private static Sample wall(ThreadKey t, long micros, FrameRef... frames) {
        return Sample.timed(t, List.of(frames), 0, micros);
    }

    private static TopModel model(int window) {
        TopModel m = new TopModel(window);
        m.accept(new Metadata("austin", "3.7.0"));
        m.accept(new Metadata("mode", "wall"));
        return m;
    }

    private static List<String> names(List<Row> rows) {
        return rows.stream().map(r -> r.fn().scope()).collect(Collectors.toList());
    }

    @Test
    void slidingWindowKeepsTheLastSecondsAndCumulativeKeepsAll() {
        TopModel m = model(2);
        m.accept(wall(A, 100, MAIN, HOT)); // second 1
        m.tick();
        m.accept(wall(A, 200, MAIN, WARM)); // second 2
        m.tick();
        m.accept(wall(A, 300, MAIN, WARM)); // second 3
        m.tick();
        TopTally sliding = TopTable.sum(m.window(false), Scope.ALL);
        assertEquals(500, sliding.totals[0]);
        assertEquals(List.of("warm", "main"), names(TopTable.rows(sliding, 0, Sort.OWN, "")),
                "hot's second slid out; functions without a value are not listed");
        TopTally all = TopTable.sum(m.window(true), Scope.ALL);
        assertEquals(600, all.totals[0]);
        assertEquals(3, all.samples);
        List<Row> rows = TopTable.rows(all, 0, Sort.OWN, "");
        assertEquals(List.of("warm", "hot", "main"), names(rows));
        assertEquals(500, rows.get(0).self());
        assertEquals(100.0, rows.get(2).totalPercent(), 1e-9);
        assertEquals(0.0, rows.get(2).selfPercent(), 1e-9);
        assertEquals(List.of(A), m.threads());
    }

    @Test
    void anEmptySecondSlidesToo() {
        TopModel m = model(1);
        m.accept(wall(A, 100, MAIN, HOT));
        m.tick();
        m.tick();
        assertEquals(0, TopTable.sum(m.window(false), Scope.ALL).totals[0]);
        assertEquals(100, TopTable.sum(m.window(true), Scope.ALL).totals[0]);
        assertThrows(IllegalArgumentException.class, () -> new TopModel(0));
    }

    @Test
    void aWindowIsASnapshotThatLaterSecondsLeaveAlone() {
        TopModel m = model(5);
        m.accept(wall(A, 100, MAIN, HOT));
        m.tick();
        Map<ThreadKey, TopTally> paused = m.window(true);
        Map<ThreadKey, TopTally> pausedSliding = m.window(false);
        m.accept(wall(A, 900, MAIN, WARM));
        m.tick();
        assertEquals(100, TopTable.sum(paused, Scope.ALL).totals[0]);
        assertEquals(100, TopTable.sum(pausedSliding, Scope.ALL).totals[0]);
        assertEquals(1000, TopTable.sum(m.window(true), Scope.ALL).totals[0]);
    }

    @Test
    void scopesSelectAThreadOrAProcess() {
        TopModel m = model(10);
        m.accept(wall(A, 100, MAIN, HOT));
        m.accept(wall(B, 100, SIDE));
        m.accept(wall(C, 100, MAIN, OTHER));
        m.tick();
        assertEquals(List.of(Scope.ALL, new Scope(10L, null), new Scope(10L, A), new Scope(10L, B),
                new Scope(20L, null), new Scope(20L, C)), TopTable.scopes(m.threads()));
        Map<ThreadKey, TopTally> w = m.window(false);
        assertEquals(List.of("main", "hot", "other", "side"),
                names(TopTable.rows(TopTable.sum(w, Scope.ALL), 0, Sort.TOTAL, "")));
        assertEquals(List.of("side"), names(TopTable.rows(TopTable.sum(w, new Scope(10L, B)), 0, Sort.OWN, "")));
        List<Row> process20 = TopTable.rows(TopTable.sum(w, new Scope(20L, null)), 0, Sort.OWN, "");
        assertEquals(List.of("other", "main"), names(process20));
        assertEquals(100.0, process20.get(0).selfPercent(), 1e-9, "shares are of the scope's total");
        List<Row> process10 = TopTable.rows(TopTable.sum(w, new Scope(10L, null)), 0, Sort.OWN, "");
        assertEquals(50.0, process10.get(0).selfPercent(), 1e-9);
        assertEquals("thread 10:0:12", new Scope(10L, B).label());
        assertEquals("process 20", new Scope(20L, null).label());
        assertEquals("all threads", Scope.ALL.label());
    }

    @Test
    void sortOrdersByOwnTotalOrName() {
        TopModel m = model(10);
        m.accept(wall(A, 300, MAIN, HOT));
        m.accept(wall(A, 100, MAIN, WARM));
        m.accept(wall(A, 50, MAIN));
        m.accept(wall(A, 200, OTHER));
        m.tick();
        TopTally t = TopTable.sum(m.window(false), Scope.ALL);
        assertEquals(List.of("hot", "other", "warm", "main"), names(TopTable.rows(t, 0, Sort.OWN, "")));
        assertEquals(List.of("main", "hot", "other", "warm"), names(TopTable.rows(t, 0, Sort.TOTAL, "")));
        assertEquals(List.of("hot", "main", "other", "warm"), names(TopTable.rows(t, 0, Sort.NAME, "")));
        assertEquals(Sort.TOTAL, Sort.OWN.next());
        assertEquals(Sort.OWN, Sort.NAME.next());
    }

    @Test
    void aFunctionIsOneRowWhateverTheLineWithItsLowestLine() {
        TopModel m = model(10);
        m.accept(wall(A, 100, MAIN, HOT_LATER));
        m.accept(wall(A, 100, MAIN, HOT));
        m.tick();
        m.accept(wall(A, 100, MAIN, HOT_LATER));
        m.tick();
        List<Row> rows = TopTable.rows(TopTable.sum(m.window(false), Scope.ALL), 0, Sort.OWN, "");
        assertEquals(List.of("hot", "main"), names(rows));
        assertEquals(300, rows.get(0).self());
        assertEquals("app.py:10", rows.get(0).where());
    }

    @Test
    void searchFiltersByNameOrFileIgnoringCase() {
        TopModel m = model(10);
        m.accept(wall(A, 100, MAIN, HOT));
        m.accept(wall(A, 100, MAIN, WARM));
        m.accept(wall(A, 100, OTHER));
        m.tick();
        TopTally t = TopTable.sum(m.window(false), Scope.ALL);
        assertEquals(List.of("warm"), names(TopTable.rows(t, 0, Sort.OWN, "WAR")));
        assertEquals(List.of("other"), names(TopTable.rows(t, 0, Sort.OWN, "lib.py")));
        assertEquals(List.of(), names(TopTable.rows(t, 0, Sort.OWN, "nothing")));
        assertEquals(33.33, TopTable.rows(t, 0, Sort.OWN, "warm").get(0).selfPercent(), 0.01,
                "a filtered row keeps its share of the whole");
    }

    @Test
    void callersAreThePathsToTheOutermostCallWithTheirShares() {
        TopModel m = model(10);
        m.accept(wall(A, 300, MAIN, HOT));
        m.accept(wall(A, 100, OTHER, HOT));
        m.accept(wall(A, 100, MAIN, HOT, WARM, HOT)); // recursion: counted once, at the outer call
        m.accept(wall(A, 100, MAIN, WARM));
        m.tick();
        m.accept(wall(B, 500, SIDE));
        m.tick();
        TopTally t = TopTable.sum(m.window(true), Scope.ALL);
        Fn hot = new Fn("app.py", "hot");
        List<Caller> callers = TopTable.callers(t, 0, hot);
        assertEquals(2, callers.size());
        assertEquals(List.of(new Fn("app.py", "main"), hot), callers.get(0).path());
        assertEquals(400, callers.get(0).value());
        assertEquals(80.0, callers.get(0).share(), 1e-9);
        assertEquals(List.of(new Fn("lib.py", "other"), hot), callers.get(1).path());
        assertEquals(20.0, callers.get(1).share(), 1e-9);
        List<Caller> warm = TopTable.callers(t, 0, new Fn("app.py", "warm"));
        assertEquals(List.of(new Fn("app.py", "main"), hot, new Fn("app.py", "warm")), warm.get(0).path());
        assertEquals(50.0, warm.get(0).share(), 1e-9);
        assertEquals(List.of(), TopTable.callers(t, 0, new Fn("x.py", "absent")));
        double sum = 0;
        for (Caller c : callers) {
            sum += c.share();
        }
        assertEquals(100.0, sum, 1e-9);
    }

    @Test
    void memoryModeHasTwoMetricsAndMarkersAreNoFunctions() {
        TopModel m = new TopModel(10);
        m.accept(new Metadata("mode", "memory"));
        m.accept(new Sample(A, List.of(MAIN, HOT), Sample.MEMORY, 0, 4096));
        m.accept(new Sample(A, List.of(MAIN, WARM), Sample.MEMORY, 0, -1024));
        m.accept(new Sample(A, List.of(MAIN), Sample.MEMORY | Sample.INVALID, 0, 1024));
        m.tick();
        assertEquals(List.of(Metric.ALLOCATED, Metric.DEALLOCATED), m.metrics());
        TopTally t = TopTable.sum(m.window(false), Scope.ALL);
        assertEquals(List.of("main", "hot"), names(TopTable.rows(t, 0, Sort.TOTAL, "")));
        List<Row> freed = TopTable.rows(t, 1, Sort.OWN, "");
        assertEquals(List.of("warm", "main"), names(freed));
        assertEquals(1024, freed.get(0).self());
        List<Row> allocated = TopTable.rows(t, 0, Sort.OWN, "");
        assertEquals(80.0, allocated.get(0).selfPercent(), 1e-9, "the invalid sample counts in the whole");
    }

    @Test
    void valuesAreShortInTheMetricsUnit() {
        List<String> out = new ArrayList<>();
        for (long v : new long[] {0, 850, 12_345, 250_000, 1_250_000, 123_000_000}) {
            out.add(TopTable.value(v, Metric.WALL_TIME));
        }
        assertEquals(List.of("0 \u00b5s", "850 \u00b5s", "12.3 ms", "250 ms", "1.25 s", "123 s"), out);
        assertEquals("512 B", TopTable.value(512, Metric.ALLOCATED));
        assertEquals("1.5 KiB", TopTable.value(1536, Metric.ALLOCATED));
        assertEquals("300 MiB", TopTable.value(300L << 20, Metric.DEALLOCATED));
    }
}
