package io.austin.converters.html;

import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.converters.profile.StackTable;
import io.austin.formats.ThreadKey;
import io.austin.formats.internal.LongIntMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The call trees of a profile, what a flame graph draws: one tree per thread (or, for a diff, one tree of every
 * thread of both profiles), a node per distinct path of frames from the root, with the samples and the sum of each
 * metric of the samples whose stack starts with that path. A diff tree carries a second set of values, the base
 * profile's, on the same nodes. Nodes live in flat arrays, a parent before its children; frames are (file, scope,
 * line), as the profile interns them, renumbered in a table of the tree's own so that two profiles share it.
 *
 * <p>{@link #prune} marks the nodes a page keeps. Not thread-safe.
 */
final class CallTree {
    /** The frame of a root. */
    static final int ROOT = -2;

    private record FrameKey(String file, String scope, long line) {
    }

    private final List<Metric> metrics;
    private final boolean diff;
    private final int width;

    private final Map<FrameKey, Integer> frameIds = new HashMap<>();
    private final List<FrameKey> frames = new ArrayList<>();

    private final LongIntMap children = new LongIntMap();
    private int size;
    private int[] parent = new int[1024];
    private int[] frame = new int[1024];
    private int[] depth = new int[1024];
    private long[] samples = new long[1024];
    private long[] baseSamples;
    private long[] values;
    private long[] baseValues;
    private final List<ThreadKey> roots = new ArrayList<>();

    private boolean[] kept;
    private double threshold;

    private CallTree(List<Metric> metrics, boolean diff) {
        this.metrics = List.copyOf(metrics);
        this.diff = diff;
        this.width = Math.max(1, metrics.size());
        values = new long[1024 * width];
        if (diff) {
            baseSamples = new long[1024];
            baseValues = new long[1024 * width];
        }
    }

    /** One tree per thread of {@code profile}, in the profile's thread order; root {@code i} is node {@code i}. */
    static CallTree of(Profile profile) {
        CallTree t = new CallTree(profile.metrics(), false);
        for (ThreadKey k : profile.threads()) {
            t.roots.add(k);
            t.node(-1, ROOT);
        }
        int[] metricIndex = new int[profile.metrics().size()];
        for (int m = 0; m < metricIndex.length; m++) {
            metricIndex[m] = m;
        }
        t.add(profile, metricIndex, false, -1);
        return t;
    }

    /**
     * One tree of every thread of {@code next} and {@code base}, with {@code next}'s values and {@code base}'s as
     * the base values, for the metrics both profiles have (in {@code next}'s order).
     *
     * @throws IllegalArgumentException when the profiles have no metric in common (a memory profile and a time one)
     */
    static CallTree diff(Profile base, Profile next) {
        List<Metric> common = new ArrayList<>();
        for (Metric m : next.metrics()) {
            if (base.metrics().contains(m)) {
                common.add(m);
            }
        }
        if (common.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: the base profile measures " + base.metrics()
                    + " and the new one " + next.metrics());
        }
        CallTree t = new CallTree(common, true);
        t.roots.add(null);
        t.node(-1, ROOT);
        int[] nextIndex = new int[common.size()];
        int[] baseIndex = new int[common.size()];
        for (int m = 0; m < common.size(); m++) {
            nextIndex[m] = next.metrics().indexOf(common.get(m));
            baseIndex[m] = base.metrics().indexOf(common.get(m));
        }
        t.add(next, nextIndex, false, 0);
        t.add(base, baseIndex, true, 0);
        return t;
    }

    /**
     * Adds every cell of {@code profile} to the tree of its thread ({@code root} &lt; 0) or to {@code root}:
     * metric {@code m} of the tree is the profile's metric {@code metricIndex[m]}.
     */
    private void add(Profile profile, int[] metricIndex, boolean base, int root) {
        FrameTable ft = profile.frames();
        StackTable stacks = profile.stacks();
        int[] frameMap = new int[ft.size()];
        Arrays.fill(frameMap, -1);
        long[] sampleArray = base ? baseSamples : samples;
        for (int c = 0; c < profile.cells(); c++) {
            int node = root >= 0 ? root : profile.thread(c);
            long n = profile.samples(c);
            long[] v = base ? baseValues : values;
            int stack = profile.stack(c);
            int length = stacks.length(stack);
            for (int i = -1; i < length; i++) {
                if (i >= 0) {
                    int f = stacks.item(stack, i);
                    int id = frameMap[f];
                    if (id < 0) {
                        id = frameMap[f] = frameId(ft.file(f), ft.scope(f), ft.line(f));
                    }
                    node = child(node, id);
                    v = base ? baseValues : values; // the arrays grow as nodes are added
                    sampleArray = base ? baseSamples : samples;
                }
                sampleArray[node] += n;
                for (int m = 0; m < metricIndex.length; m++) {
                    v[node * width + m] += profile.value(c, metricIndex[m]);
                }
            }
        }
    }

    private int frameId(String file, String scope, long line) {
        FrameKey key = new FrameKey(file, scope, line);
        Integer id = frameIds.get(key);
        if (id == null) {
            id = frames.size();
            frames.add(key);
            frameIds.put(key, id);
        }
        return id;
    }

    private int child(int node, int f) {
        long key = (long) node << 32 | f;
        int c = children.get(key);
        if (c < 0) {
            c = node(node, f);
            children.put(key, c);
        }
        return c;
    }

    private int node(int parentNode, int f) {
        if (size == parent.length) {
            int n = size * 2;
            parent = Arrays.copyOf(parent, n);
            frame = Arrays.copyOf(frame, n);
            depth = Arrays.copyOf(depth, n);
            samples = Arrays.copyOf(samples, n);
            values = Arrays.copyOf(values, n * width);
            if (diff) {
                baseSamples = Arrays.copyOf(baseSamples, n);
                baseValues = Arrays.copyOf(baseValues, n * width);
            }
        }
        parent[size] = parentNode;
        frame[size] = f;
        depth[size] = parentNode < 0 ? 0 : depth[parentNode] + 1;
        return size++;
    }

    /**
     * Marks the nodes to keep: a node is kept when one of its values is at least {@code minShare} of its root's
     * value for that metric (in a diff, of the base root's too), and, when that keeps more than {@code maxNodes},
     * only the {@code maxNodes} nodes of largest share (a node's share is never below a descendant's, so the kept
     * nodes still form trees). Roots are always kept.
     */
    void prune(double minShare, int maxNodes) {
        double[] share = new double[size];
        for (int n = 0; n < size; n++) {
            int r = root(n);
            double s = 0;
            for (int m = 0; m < width; m++) {
                s = Math.max(s, ratio(values, n, r, m));
                if (diff) {
                    s = Math.max(s, ratio(baseValues, n, r, m));
                }
            }
            share[n] = parent[n] < 0 ? Double.POSITIVE_INFINITY : s;
        }
        double cut = minShare;
        int count = 0;
        for (int n = 0; n < size; n++) {
            if (share[n] >= cut) {
                count++;
            }
        }
        if (count > maxNodes) {
            double[] sorted = share.clone();
            Arrays.sort(sorted);
            // Keep the shares strictly above the (maxNodes + 1)-th largest: ties go together or not at all.
            cut = Math.nextUp(sorted[size - 1 - maxNodes]);
        }
        kept = new boolean[size];
        for (int n = 0; n < size; n++) {
            kept[n] = share[n] >= cut;
        }
        threshold = cut;
    }

    private double ratio(long[] v, int n, int root, int m) {
        long total = v[root * width + m];
        return total == 0 ? 0 : (double) v[n * width + m] / total;
    }

    private int root(int n) {
        while (parent[n] >= 0) {
            n = parent[n];
        }
        return n;
    }

    // ----------------------------------------------------------------------------------------------------------

    List<Metric> metrics() {
        return metrics;
    }

    boolean isDiff() {
        return diff;
    }

    /** The threads of the roots (root {@code i} is node {@code i}); a diff has one root, of no thread (null). */
    List<ThreadKey> roots() {
        return roots;
    }

    int size() {
        return size;
    }

    int parent(int node) {
        return parent[node];
    }

    int depth(int node) {
        return depth[node];
    }

    /** The tree's frame id of {@code node}, or {@link #ROOT}. */
    int frame(int node) {
        return frame[node];
    }

    String file(int frameId) {
        return frames.get(frameId).file();
    }

    String scope(int frameId) {
        return frames.get(frameId).scope();
    }

    long line(int frameId) {
        return frames.get(frameId).line();
    }

    long samples(int node) {
        return samples[node];
    }

    long value(int node, int metric) {
        return values[node * width + metric];
    }

    long baseSamples(int node) {
        return diff ? baseSamples[node] : 0;
    }

    long baseValue(int node, int metric) {
        return diff ? baseValues[node * width + metric] : 0;
    }

    /** Whether {@link #prune} kept {@code node} (every node before it is called). */
    boolean kept(int node) {
        return kept == null || kept[node];
    }

    /** The share below which {@link #prune} dropped nodes: its {@code minShare}, or more to fit the budget. */
    double threshold() {
        return threshold;
    }

    /** The children of every node, in the order they were first seen: {@code [node][i]}. */
    int[][] childLists() {
        int[] counts = new int[size];
        for (int n = 0; n < size; n++) {
            if (parent[n] >= 0) {
                counts[parent[n]]++;
            }
        }
        int[][] lists = new int[size][];
        for (int n = 0; n < size; n++) {
            lists[n] = new int[counts[n]];
            counts[n] = 0;
        }
        for (int n = 0; n < size; n++) {
            int p = parent[n];
            if (p >= 0) {
                lists[p][counts[p]++] = n;
            }
        }
        return lists;
    }
}
