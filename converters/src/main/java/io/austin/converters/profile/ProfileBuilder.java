package io.austin.converters.profile;

import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.austin.formats.internal.LongIntMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds samples into a {@link Profile}: frames and stacks interned, one cell per (thread, stack) with the sum of
 * each {@link Metric} and the number of samples. The renderers that must keep every sample (pprof, speedscope) use
 * the same interning through {@link #stack(Sample)}, {@link #thread(ThreadKey)} and {@link #values}.
 *
 * <p>The mode is the header's {@code mode} metadata, or, when there is none before the first sample, what that
 * sample's metrics imply (time and memory: full; memory: memory; otherwise wall). Memory grows with the distinct
 * frames, stacks and threads, never with the samples. Not thread-safe; {@link #build()} ends the builder.
 */
public final class ProfileBuilder {
    private final FrameTable frames = new FrameTable();
    private final StackTable stacks = new StackTable();
    private final List<Metadata> metadata = new ArrayList<>();
    private final List<ThreadKey> threads = new ArrayList<>();
    private final Map<ThreadKey, Integer> threadIndex = new HashMap<>();
    /** Per thread index: the previous sample's frames list, markers and stack id, to skip interning a repeat. */
    private Object[] lastFrames = new Object[16];
    private int[] lastMarkers = new int[16];
    private int[] lastStack = new int[16];
    private int[] scratch = new int[128];
    private Mode declared;
    private Mode mode;
    private List<Metric> metrics;
    private boolean built;

    private final LongIntMap cells = new LongIntMap();
    private int cellCount;
    private int[] cellThread = new int[256];
    private int[] cellStack = new int[256];
    private long[] cellSamples = new long[256];
    private long[] cellValues = new long[256 * 4];
    private final long[] values = new long[4];
    private long sampleCount;

    /** An empty builder. */
    public ProfileBuilder() {
    }

    /** Adds metadata or a sample to the profile. */
    public void add(ProfileEvent event) {
        switch (event.type()) {
            case METADATA -> metadata((Metadata) event);
            case SAMPLE -> sample((Sample) event);
        }
    }

    /** Records metadata; a {@code mode} before the first sample decides the profile's mode. */
    public void metadata(Metadata m) {
        checkOpen();
        metadata.add(m);
        if ("mode".equals(m.key()) && declared == null) {
            declared = Mode.of(m.value());
        }
    }

    private void sample(Sample s) {
        int stack = stack(s);
        int thread = thread(s.thread());
        int n = values(s, values);
        long key = (long) thread << 32 | stack;
        int cell = cells.get(key);
        if (cell < 0) {
            cell = cellCount++;
            if (cell == cellThread.length) {
                cellThread = Arrays.copyOf(cellThread, cell * 2);
                cellStack = Arrays.copyOf(cellStack, cell * 2);
                cellSamples = Arrays.copyOf(cellSamples, cell * 2);
                cellValues = Arrays.copyOf(cellValues, cell * 2 * 4);
            }
            cellThread[cell] = thread;
            cellStack[cell] = stack;
            cells.put(key, cell);
        }
        cellSamples[cell]++;
        for (int i = 0; i < n; i++) {
            cellValues[cell * 4 + i] += values[i];
        }
        sampleCount++;
    }

    /**
     * The stack id of a sample: its frames root first, with an {@code :INVALID:} pseudo-frame at the root and a
     * {@code :GC:} one at the leaf when it has those markers. The first sample also fixes the mode.
     */
    public int stack(Sample s) {
        checkOpen();
        if (mode == null) {
            mode = declared != null ? declared
                    : s.hasTime() && s.hasMemory() ? Mode.FULL : s.hasMemory() ? Mode.MEMORY : Mode.WALL;
            metrics = Metric.of(mode);
        }
        int thread = thread(s.thread());
        int markers = s.flags() & (Sample.INVALID | Sample.GC);
        if (lastFrames[thread] == s.frames() && lastMarkers[thread] == markers) {
            return lastStack[thread];
        }
        List<FrameRef> refs = s.frames();
        int n = refs.size() + 2;
        if (scratch.length < n) {
            scratch = new int[Math.max(n, scratch.length * 2)];
        }
        int d = 0;
        if (s.invalid()) {
            scratch[d++] = frames.invalid();
        }
        for (int i = 0, size = refs.size(); i < size; i++) {
            scratch[d++] = frames.intern(refs.get(i).frame());
        }
        if (s.gc()) {
            scratch[d++] = frames.gc();
        }
        int id = stacks.intern(scratch, d);
        lastFrames[thread] = s.frames();
        lastMarkers[thread] = markers;
        lastStack[thread] = id;
        return id;
    }

    /** The index of a thread in {@link Profile#threads()}, given on first sight. */
    public int thread(ThreadKey t) {
        Integer i = threadIndex.get(t);
        if (i != null) {
            return i;
        }
        int index = threads.size();
        threads.add(t);
        threadIndex.put(t, index);
        if (index == lastFrames.length) {
            lastFrames = Arrays.copyOf(lastFrames, index * 2);
            lastMarkers = Arrays.copyOf(lastMarkers, index * 2);
            lastStack = Arrays.copyOf(lastStack, index * 2);
        }
        lastMarkers[index] = -1;
        return index;
    }

    /** The profile's mode: declared, or inferred from the first sample; null before either. */
    public Mode mode() {
        return mode != null ? mode : declared;
    }

    /**
     * The values of {@code s} for the metrics of {@link #mode()} ({@link Metric#of}), into {@code out} (at least 4
     * long): wall and cpu one time; memory the delta split by sign into allocated and deallocated; full the CPU time
     * (0 when idle), the wall time, allocated and deallocated. Call after {@link #stack} has seen a sample.
     *
     * @return how many values were written
     */
    public int values(Sample s, long[] out) {
        Mode m = mode();
        long single = s.hasTime() ? s.time() : s.memory();
        switch (m == null ? Mode.WALL : m) {
            case MEMORY -> {
                long delta = s.hasMemory() ? s.memory() : single;
                out[0] = Math.max(delta, 0);
                out[1] = delta < 0 ? -delta : 0;
                return 2;
            }
            case FULL -> {
                out[0] = s.idle() ? 0 : s.time();
                out[1] = s.time();
                out[2] = Math.max(s.memory(), 0);
                out[3] = s.memory() < 0 ? -s.memory() : 0;
                return 4;
            }
            default -> {
                out[0] = single;
                return 1;
            }
        }
    }

    /** The frames interned so far. */
    public FrameTable frames() {
        return frames;
    }

    /** The stacks interned so far. */
    public StackTable stacks() {
        return stacks;
    }

    /** The threads seen so far, by index. */
    public List<ThreadKey> threads() {
        return threads;
    }

    /** Ends the builder and returns what it folded. Further calls to the builder fail. */
    public Profile build() {
        checkOpen();
        built = true;
        Mode m = mode() != null ? mode() : Mode.WALL;
        return new Profile(m, metrics != null ? metrics : Metric.of(m), List.copyOf(metadata), frames, stacks,
                List.copyOf(threads), cellCount, cellThread, cellStack, cellSamples, cellValues, sampleCount);
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("the profile was built already");
        }
    }
}
