package io.austin.converters.profile;

import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ThreadKey;
import java.util.List;

/**
 * A profile folded from samples ({@link ProfileBuilder}, {@code Profiles.aggregate}): its frames and stacks, its
 * threads, and one cell per (thread, stack) with the number of samples and the sum of each {@link Metric} of the
 * mode. What a flame graph, a top view or a windowed push renders; it holds no sample. Immutable.
 */
public final class Profile {
    private final Mode mode;
    private final List<Metric> metrics;
    private final List<Metadata> metadata;
    private final FrameTable frames;
    private final StackTable stacks;
    private final List<ThreadKey> threads;
    private final int cells;
    private final int[] cellThread;
    private final int[] cellStack;
    private final long[] cellSamples;
    private final long[] cellValues;
    private final long samples;

    Profile(Mode mode, List<Metric> metrics, List<Metadata> metadata, FrameTable frames, StackTable stacks,
            List<ThreadKey> threads, int cells, int[] cellThread, int[] cellStack, long[] cellSamples,
            long[] cellValues, long samples) {
        this.mode = mode;
        this.metrics = metrics;
        this.metadata = metadata;
        this.frames = frames;
        this.stacks = stacks;
        this.threads = threads;
        this.cells = cells;
        this.cellThread = cellThread;
        this.cellStack = cellStack;
        this.cellSamples = cellSamples;
        this.cellValues = cellValues;
        this.samples = samples;
    }

    /** The mode: declared by the header, or inferred from the first sample (wall for an empty profile). */
    public Mode mode() {
        return mode;
    }

    /** The metrics each cell sums, in order. */
    public List<Metric> metrics() {
        return metrics;
    }

    /** The header and footer metadata, in input order. */
    public List<Metadata> metadata() {
        return metadata;
    }

    /** The value of metadata {@code key}, the last one given, or null. */
    public String metadata(String key) {
        String value = null;
        for (Metadata m : metadata) {
            if (m.key().equals(key)) {
                value = m.value();
            }
        }
        return value;
    }

    /** The distinct frames. */
    public FrameTable frames() {
        return frames;
    }

    /** The distinct stacks, as frame ids root first. */
    public StackTable stacks() {
        return stacks;
    }

    /** The threads, by index. */
    public List<ThreadKey> threads() {
        return threads;
    }

    /** How many (thread, stack) cells there are. */
    public int cells() {
        return cells;
    }

    /** The thread index of cell {@code cell}. */
    public int thread(int cell) {
        check(cell);
        return cellThread[cell];
    }

    /** The stack id of cell {@code cell}. */
    public int stack(int cell) {
        check(cell);
        return cellStack[cell];
    }

    /** How many samples fell into cell {@code cell}. */
    public long samples(int cell) {
        check(cell);
        return cellSamples[cell];
    }

    /** The sum of metric {@code metric} (an index into {@link #metrics()}) over the samples of cell {@code cell}. */
    public long value(int cell, int metric) {
        check(cell);
        if (metric < 0 || metric >= metrics.size()) {
            throw new IndexOutOfBoundsException("metric " + metric + " of " + metrics.size());
        }
        return cellValues[cell * 4 + metric];
    }

    /** The number of samples folded. */
    public long samples() {
        return samples;
    }

    /** The sum of metric {@code metric} over every cell. */
    public long total(int metric) {
        long sum = 0;
        for (int c = 0; c < cells; c++) {
            sum += value(c, metric);
        }
        return sum;
    }

    private void check(int cell) {
        if (cell < 0 || cell >= cells) {
            throw new IndexOutOfBoundsException("cell " + cell + " of " + cells);
        }
    }
}
