package io.austin.converters.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Profiles;
import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The call trees a page carries: building, pruning, the node budget and the diff tree. */
class CallTreeTest {
    private static final ThreadKey T1 = new ThreadKey(1, 0, "a");
    private static final ThreadKey T2 = new ThreadKey(1, 0, "b");

    /** A wall sample of {@code time} µs through {@code frames}, each {@code scope:line} in m.py, root first. */
    static Sample wall(ThreadKey t, long time, String... frames) {
        List<FrameRef> refs = new ArrayList<>();
        for (String f : frames) {
            String[] p = f.split(":");
            refs.add(FrameRef.of(Frame.of("m.py", p[0], p.length > 1 ? Long.parseLong(p[1]) : 1)));
        }
        return Sample.timed(t, refs, 0, time);
    }

    static Profile profile(String mode, Sample... samples) {
        List<ProfileEvent> events = new ArrayList<>();
        events.add(new Metadata("mode", mode));
        events.addAll(List.of(samples));
        return Flux.fromIterable(events).as(Profiles.aggregate()).block();
    }

    /** Every node by its path of {@code scope:line} from its root, e.g. {@code "a/main:1/f:2"}. */
    static Map<String, Integer> paths(CallTree t) {
        Map<String, Integer> out = new HashMap<>();
        String[] path = new String[t.size()];
        for (int n = 0; n < t.size(); n++) {
            int p = t.parent(n);
            String name = p < 0 ? (t.roots().get(n) == null ? "all" : t.roots().get(n).tid())
                    : t.scope(t.frame(n)) + ":" + t.line(t.frame(n));
            path[n] = p < 0 ? name : path[p] + "/" + name;
            out.put(path[n], n);
        }
        return out;
    }

    @Test
    void oneTreePerThreadSamePathsMergeLinesStayApart() {
        Profile p = profile("wall", wall(T1, 10, "main:1", "f:2"), wall(T1, 5, "main:1", "f:2"),
                wall(T1, 7, "main:1", "f:3"), wall(T2, 100, "main:1", "g:4"), wall(T1, 3));
        CallTree t = CallTree.of(p);
        Map<String, Integer> n = paths(t);
        assertEquals(2, t.roots().size());
        assertEquals(List.of(T1, T2), t.roots());
        assertEquals(0, n.get("a"));
        assertEquals(1, n.get("b"));
        assertEquals(25, t.value(n.get("a"), 0), "a thread's root has the thread's total, frameless samples too");
        assertEquals(4, t.samples(n.get("a")));
        assertEquals(22, t.value(n.get("a/main:1"), 0));
        assertEquals(15, t.value(n.get("a/main:1/f:2"), 0));
        assertEquals(2, t.samples(n.get("a/main:1/f:2")));
        assertEquals(7, t.value(n.get("a/main:1/f:3"), 0), "another line of f is another node");
        assertEquals(100, t.value(n.get("b/main:1/g:4"), 0));
        assertEquals(7, t.size(), n.keySet().toString());
        assertEquals(CallTree.ROOT, t.frame(0));
        assertEquals(2, t.depth(n.get("b/main:1/g:4")));
    }

    @Test
    void pruningKeepsTheNodesAboveTheShareOfTheirThreadAndTheirAncestors() {
        // Thread a: 1000 µs, of which a 1 µs leaf (0.1 %); thread b: 10 µs, of which a 1 µs leaf (10 %).
        Profile p = profile("wall", wall(T1, 999, "main:1", "big:2"), wall(T1, 1, "main:1", "tiny:3", "deeper:4"),
                wall(T2, 9, "main:1"), wall(T2, 1, "main:1", "small:5"));
        CallTree t = CallTree.of(p);
        Map<String, Integer> n = paths(t);
        t.prune(0.01, 1000);
        assertTrue(t.kept(n.get("a")) && t.kept(n.get("a/main:1")) && t.kept(n.get("a/main:1/big:2")));
        assertFalse(t.kept(n.get("a/main:1/tiny:3")), "0.1 % of its thread: pruned");
        assertFalse(t.kept(n.get("a/main:1/tiny:3/deeper:4")), "below a pruned node: pruned");
        assertTrue(t.kept(n.get("b/main:1/small:5")), "10 % of its own thread: kept, however small globally");
        assertEquals(0.01, t.threshold());
        // Every kept node's parent is kept: the kept nodes are trees.
        for (int i = 0; i < t.size(); i++) {
            assertTrue(!t.kept(i) || t.parent(i) < 0 || t.kept(t.parent(i)), "node " + i);
        }
        t.prune(0, 1000);
        for (int i = 0; i < t.size(); i++) {
            assertTrue(t.kept(i), "0 keeps everything");
        }
    }

    @Test
    void theNodeBudgetRaisesTheThresholdAndKeepsTheLargest() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            samples.add(wall(T1, i, "main:1", "f" + i + ":1", "leaf:9"));
        }
        CallTree t = CallTree.of(profile("wall", samples.toArray(new Sample[0])));
        assertEquals(1 + 1 + 50 * 2, t.size());
        t.prune(0, 22); // root, main, then 10 functions with their leaf
        int kept = 0;
        long smallestKept = Long.MAX_VALUE;
        long largestDropped = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.kept(i)) {
                kept++;
                smallestKept = Math.min(smallestKept, t.value(i, 0));
                assertTrue(t.parent(i) < 0 || t.kept(t.parent(i)));
            } else {
                largestDropped = Math.max(largestDropped, t.value(i, 0));
            }
        }
        assertTrue(kept <= 22, "kept " + kept);
        assertTrue(kept >= 20, "the budget is used: " + kept);
        assertTrue(smallestKept > largestDropped, smallestKept + " > " + largestDropped);
        assertTrue(t.threshold() > 0, "the threshold was raised: " + t.threshold());
    }

    @Test
    void diffCarriesBothProfilesOnOnePathOfEveryThread() {
        // base: f 80 %, g 20 %; new: f 50 %, g 25 %, h 25 % (new); gone only in base.
        Profile base = profile("wall", wall(T1, 40, "main:1", "f:2"), wall(T2, 40, "main:1", "f:2"),
                wall(T1, 15, "main:1", "g:3"), wall(T1, 5, "main:1", "gone:4"));
        Profile next = profile("cpu", wall(T2, 100, "main:1", "f:2"), wall(T1, 50, "main:1", "g:3"),
                wall(T1, 50, "main:1", "h:5"));
        assertThrows(IllegalArgumentException.class, () -> CallTree.diff(base, next), "wall and cpu");
        Profile next2 = profile("wall", wall(T2, 100, "main:1", "f:2"), wall(T1, 50, "main:1", "g:3"),
                wall(T1, 50, "main:1", "h:5"));
        CallTree t = CallTree.diff(base, next2);
        assertTrue(t.isDiff());
        assertEquals(List.of(Metric.WALL_TIME), t.metrics());
        Map<String, Integer> n = paths(t);
        assertEquals(1, t.roots().size(), "every thread in one tree");
        assertEquals(200, t.value(n.get("all"), 0));
        assertEquals(100, t.baseValue(n.get("all"), 0));
        assertEquals(100, t.value(n.get("all/main:1/f:2"), 0));
        assertEquals(80, t.baseValue(n.get("all/main:1/f:2"), 0), "both threads of the base");
        assertEquals(2, t.baseSamples(n.get("all/main:1/f:2")));
        assertEquals(0, t.baseValue(n.get("all/main:1/h:5"), 0), "new in the new profile");
        assertEquals(0, t.value(n.get("all/main:1/gone:4"), 0), "only in the base");
        assertEquals(5, t.baseValue(n.get("all/main:1/gone:4"), 0));
        // Pruning looks at both profiles: 'gone' is 5 % of the base, nothing of the new.
        t.prune(0.04, 1000);
        assertTrue(t.kept(n.get("all/main:1/gone:4")));
        t.prune(0.06, 1000);
        assertFalse(t.kept(n.get("all/main:1/gone:4")));
    }

    @Test
    void fullModeCarriesEveryMetricAndPrunesByAnyOfThem() {
        ThreadKey t = T1;
        List<FrameRef> alloc = List.of(FrameRef.of(Frame.of("m.py", "alloc", 1)));
        List<FrameRef> spin = List.of(FrameRef.of(Frame.of("m.py", "spin", 2)));
        Profile p = profile("full", new Sample(t, spin, Sample.TIME | Sample.MEMORY, 1000, 0),
                new Sample(t, alloc, Sample.TIME | Sample.MEMORY, 1, 4096));
        CallTree tree = CallTree.of(p);
        assertEquals(List.of(Metric.CPU_TIME, Metric.WALL_TIME, Metric.ALLOCATED, Metric.DEALLOCATED),
                tree.metrics());
        Map<String, Integer> n = paths(tree);
        tree.prune(0.01, 1000);
        assertTrue(tree.kept(n.get("a/alloc:1")), "0.1 % of the time but all of the memory: kept");
        assertEquals(4096, tree.value(n.get("a/alloc:1"), 2));
    }
}
