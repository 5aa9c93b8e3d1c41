package io.austin.formats;

import io.austin.formats.internal.FrameSource;
import io.austin.formats.internal.RecentKeys;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles the events of a {@link StackEventReader} into whole {@link Sample}s: a sample starts at its
 * {@link StackHeader} and ends with its last metric when the header's {@code mode} says which that is (so a live
 * stream yields each sample as soon as it is complete), or else at the next header, metadata or the end of the input.
 * Definitions and string references carry nothing a sample shows and are dropped. A thread whose frames are the same
 * references as in its previous sample gets the same list instance. Not thread-safe.
 */
final class SampleAssembler implements ProfileEventReader, FrameSource.FrameSink {
    private static final int MAX_THREADS = 1 << 16;
    private static final List<FrameRef> NO_FRAMES = List.of();

    private final StackEventReader in;
    /** {@link #in} when it can hand over frame references without returning them. */
    private final FrameSource frameSource;
    private final ArrayDeque<ProfileEvent> ready = new ArrayDeque<>(4);
    private final Map<ThreadKey, Last> lastFrames = new HashMap<>();
    private final RecentKeys<Last> recent = new RecentKeys<>();
    private final Map<String, FrameRef> kernelFrames = new HashMap<>();
    private Mode mode;
    private boolean inSample;
    private ThreadKey thread;
    private FrameRef[] frames = new FrameRef[64];
    private int depth;
    private int flags;
    private long time;
    private long memory;

    SampleAssembler(StackEventReader in) {
        this.in = Objects.requireNonNull(in, "in");
        this.frameSource = in instanceof FrameSource s ? s : null;
    }

    /** An assembler fed with {@link #push} instead of reading. */
    SampleAssembler() {
        this.in = null;
        this.frameSource = null;
    }

    /**
     * Feeds one event, or the end of the input ({@code null}), and returns what became complete: usually nothing,
     * a sample, or a sample and the metadata that ended it.
     */
    List<ProfileEvent> push(StackEvent e) {
        if (e == null) {
            end();
        } else {
            accept(e);
        }
        switch (ready.size()) {
            case 0:
                return List.of();
            case 1:
                return List.of(ready.poll());
            default:
                List<ProfileEvent> out = List.copyOf(ready);
                ready.clear();
                return out;
        }
    }

    @Override
    public ProfileEvent next() throws IOException {
        while (ready.isEmpty()) {
            StackEvent e = frameSource != null ? frameSource.next(this) : in.next();
            if (e == null) {
                end();
                break;
            }
            accept(e);
        }
        return ready.poll();
    }

    private void accept(StackEvent e) {
        switch (e.kind()) {
            case METADATA -> {
                end();
                Metadata m = (Metadata) e;
                if ("mode".equals(m.key())) {
                    mode = Mode.of(m.value());
                }
                ready.add(m);
            }
            case STACK_HEADER -> {
                end();
                inSample = true;
                thread = ((StackHeader) e).thread();
                depth = 0;
                flags = 0;
                time = 0;
                memory = 0;
            }
            case FRAME_REF -> add((FrameRef) e);
            case KERNEL_FRAME -> {
                String symbol = ((KernelFrame) e).scope();
                FrameRef ref = kernelFrames.get(symbol);
                if (ref == null) {
                    ref = FrameRef.kernel(symbol);
                    if (kernelFrames.size() < MAX_THREADS) {
                        kernelFrames.put(symbol, ref);
                    }
                }
                add(ref);
            }
            case INVALID_FRAME -> flags |= inSample ? Sample.INVALID : 0;
            case GC_MARKER -> flags |= inSample ? Sample.GC : 0;
            case IDLE_MARKER -> flags |= inSample ? Sample.IDLE : 0;
            case TIME_METRIC -> {
                if (inSample) {
                    flags |= Sample.TIME;
                    time = ((TimeMetric) e).value();
                    if (mode == Mode.WALL || mode == Mode.CPU) {
                        end();
                    }
                }
            }
            case MEMORY_METRIC -> {
                if (inSample) {
                    flags |= Sample.MEMORY;
                    memory = ((MemoryMetric) e).value();
                    if (mode == Mode.MEMORY || mode == Mode.FULL) {
                        end();
                    }
                }
            }
            case STRING_DEF, STRING_REF, FRAME_DEF -> {
                // definitions and string references carry nothing a sample shows
            }
        }
    }

    @Override
    public void frame(FrameRef ref) {
        add(ref);
    }

    private void add(FrameRef ref) {
        if (!inSample) {
            return;
        }
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
        }
        frames[depth++] = ref;
    }

    private void end() {
        if (!inSample) {
            return;
        }
        inSample = false;
        ready.add(new Sample(thread, framesOf(thread), flags, time, memory));
    }

    /** A thread's last frames list; found by key identity among the recent threads, by key value in the map. */
    private static final class Last {
        List<FrameRef> frames;
    }

    private Last lastOf(ThreadKey key) {
        Last last = recent.get(key);
        if (last != null) {
            return last;
        }
        last = lastFrames.get(key);
        if (last == null) {
            if (lastFrames.size() >= MAX_THREADS) {
                lastFrames.clear();
            }
            last = new Last();
            lastFrames.put(key, last);
        }
        recent.put(key, last);
        return last;
    }

    /** The current frames as a list: the thread's previous list when the references are the same. */
    private List<FrameRef> framesOf(ThreadKey key) {
        Last last = lastOf(key);
        List<FrameRef> previous = last.frames;
        if (previous != null && previous.size() == depth) {
            boolean same = true;
            for (int i = 0; i < depth && same; i++) {
                same = previous.get(i) == frames[i];
            }
            if (same) {
                return previous;
            }
        }
        // The scratch array is overwritten by the next sample, not cleared: its references are the cached frames'.
        // A new array and arraycopy: Arrays.copyOf of an object array goes through reflection until compiled well.
        List<FrameRef> list = NO_FRAMES;
        if (depth > 0) {
            FrameRef[] copy = new FrameRef[depth];
            System.arraycopy(frames, 0, copy, 0, depth);
            list = new FrameList(copy);
        }
        last.frames = list;
        return list;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
