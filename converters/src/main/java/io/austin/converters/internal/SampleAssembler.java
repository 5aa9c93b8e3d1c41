package io.austin.converters.internal;

import io.austin.formats.Compat;
import io.austin.formats.FrameRef;
import io.austin.formats.GcMarker;
import io.austin.formats.IdleMarker;
import io.austin.formats.InvalidFrame;
import io.austin.formats.KernelFrame;
import io.austin.formats.MemoryMetric;
import io.austin.formats.Metadata;
import io.austin.formats.StackEvent;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the event stream into whole samples for the profile converters: the process, the thread as the text
 * format names it ({@code iid:tid}), the frames root first as {@link FrameTable} ids, and the metrics. A sample
 * ends at the next sample, at metadata or at the end of the input, and is handed to the {@link Sink} with one
 * reused {@link Sample} object. Memory is bounded by the distinct threads and frames. Not API; not thread-safe.
 */
public final class SampleAssembler {
    /** Receives each completed sample. */
    @FunctionalInterface
    public interface Sink {
        /** Called once per sample; {@code sample} is reused, so copy what must outlive the call. */
        void sample(Sample sample) throws IOException;
    }

    /** A sample under assembly; one instance is reused for every sample. */
    public static final class Sample {
        private long pid;
        private long iid;
        private String thread;
        private String tid;
        private int[] frames = new int[64];
        private int depth;
        private int stack;
        private boolean marker;
        private boolean hasTime;
        private long time;
        private boolean idle;
        private boolean hasMemory;
        private long memory;

        /** The process id. */
        public long pid() {
            return pid;
        }

        /** The thread as the text format names it: {@code iid:tid} (tid in decimal), or the tid alone. */
        public String thread() {
            return thread;
        }

        /** The interpreter id, or {@link StackHeader#NO_IID}. */
        public long iid() {
            return iid;
        }

        /** The thread id as the text format prints it (decimal, or the name as it is). */
        public String tid() {
            return tid;
        }

        /** The frame ids, root first; only the first {@link #depth()} are valid. */
        public int[] frames() {
            return frames;
        }

        /** The number of frames. */
        public int depth() {
            return depth;
        }

        /** The id of the whole stack in {@link SampleAssembler#stacks()}: equal stacks, equal ids. */
        public int stack() {
            return stack;
        }

        /** Whether the sample had an {@code :INVALID:} or {@code :GC:} marker (kept as a pseudo-frame). */
        public boolean hasMarker() {
            return marker;
        }

        /** Whether a time metric was seen. */
        public boolean hasTime() {
            return hasTime;
        }

        /** The time metric, microseconds. */
        public long time() {
            return time;
        }

        /** Whether the idle marker was seen (full mode). */
        public boolean idle() {
            return idle;
        }

        /** Whether a memory metric was seen. */
        public boolean hasMemory() {
            return hasMemory;
        }

        /** The memory delta, bytes, signed. */
        public long memory() {
            return memory;
        }

        void add(int frame) {
            if (depth == frames.length) {
                frames = Arrays.copyOf(frames, depth * 2);
            }
            frames[depth++] = frame;
        }
    }

    private static final int MAX_THREADS_CACHED = 1 << 16;
    private static final int CACHE_SIZE = 1 << 13;

    /**
     * A thread's previous sample. Consecutive samples of a thread mostly share their frames, and readers hand out
     * the same event object for the same frame, so comparing references finds the frame ids (and often the whole
     * stack id) without hashing anything.
     */
    private static final class ThreadState {
        final String name;
        final String tid;
        StackEvent[] refs = new StackEvent[64];
        int[] ids = new int[64];
        int depth = -1;
        int stack = -1;

        ThreadState(String name, String tid) {
            this.name = name;
            this.tid = tid;
        }
    }

    private final boolean dropMarked;
    private final FrameTable frames;
    private final StackTable stacks = new StackTable();
    private final Sink sink;
    private final Sample current = new Sample();
    private final Map<StackHeader, ThreadState> threads = new HashMap<>();
    // A direct-mapped cache of frame events by identity, for frames the thread's previous sample did not have:
    // cheaper than the frame table's maps, which must look inside the event.
    private final StackEvent[] cachedRefs = new StackEvent[CACHE_SIZE];
    private final int[] cachedIds = new int[CACHE_SIZE];
    private ThreadState thread;
    private StackEvent[] refs = new StackEvent[64];
    private boolean sameAsBefore;
    private boolean inSample;
    private boolean sampled;
    private ProfileMode declared;
    private ProfileMode mode;

    /**
     * @param compat whether to behave as the austin-python text readers, which reject every sample that has an
     *               {@code :INVALID:} or {@code :GC:} marker ({@link Compat#NONE}: markers become pseudo-frames)
     * @param frames where frames are interned
     * @param sink   receives the samples
     */
    public SampleAssembler(Compat compat, FrameTable frames, Sink sink) {
        this.dropMarked = compat != Compat.NONE;
        this.frames = Objects.requireNonNull(frames, "frames");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The stacks seen so far, as frame ids root first; {@link Sample#stack()} indexes it. */
    public StackTable stacks() {
        return stacks;
    }

    /** Feeds one event. */
    public void accept(StackEvent event) throws IOException {
        if (event instanceof FrameRef) {
            if (inSample && !known(event)) {
                int slot = System.identityHashCode(event) & (CACHE_SIZE - 1);
                int id;
                if (cachedRefs[slot] == event) {
                    id = cachedIds[slot];
                } else {
                    id = frames.intern(((FrameRef) event).frame());
                    cachedRefs[slot] = event;
                    cachedIds[slot] = id;
                }
                frame(event, id);
            }
        } else if (event instanceof StackHeader) {
            end();
            start((StackHeader) event);
        } else if (event instanceof TimeMetric) {
            if (inSample) {
                current.hasTime = true;
                current.time = ((TimeMetric) event).value();
            }
        } else if (event instanceof MemoryMetric) {
            if (inSample) {
                current.hasMemory = true;
                current.memory = ((MemoryMetric) event).value();
            }
        } else if (event instanceof IdleMarker) {
            current.idle = inSample;
        } else if (event instanceof KernelFrame) {
            if (inSample && !known(event)) {
                frame(event, frames.kernel(((KernelFrame) event).scope()));
            }
        } else if (event instanceof InvalidFrame) {
            if (inSample) {
                current.marker = true;
                if (!known(event)) {
                    frame(event, frames.invalid());
                }
            }
        } else if (event instanceof GcMarker) {
            if (inSample) {
                current.marker = true;
                if (!known(event)) {
                    frame(event, frames.gc());
                }
            }
        } else if (event instanceof Metadata) {
            end();
            Metadata m = (Metadata) event;
            if ("mode".equals(m.key()) && declared == null) {
                declared = ProfileMode.of(m.value());
            }
        }
        // Definitions and string references carry nothing a profile shows.
    }

    /** Ends the last sample; call once at the end of the input. */
    public void finish() throws IOException {
        end();
    }

    /**
     * The profile's mode: the {@code mode} metadata of the header, or, when there is none (or an unknown one),
     * what the first sample's metrics imply (time and memory: full; memory: memory; otherwise wall). Null until
     * a mode is declared or a sample is seen.
     */
    public ProfileMode mode() {
        return mode != null ? mode : declared;
    }

    /**
     * Whether {@code event} is the frame at this depth in the thread's previous sample; if so, adds its id. Any
     * depth may match: stacks that differ near the leaf still share their callers.
     */
    private boolean known(StackEvent event) {
        int d = current.depth;
        if (d < thread.depth && thread.refs[d] == event) {
            if (d == refs.length) {
                refs = Arrays.copyOf(refs, d * 2);
            }
            refs[d] = event;
            current.add(thread.ids[d]);
            return true;
        }
        sameAsBefore = false;
        return false;
    }

    private void frame(StackEvent event, int id) {
        int d = current.depth;
        if (d == refs.length) {
            refs = Arrays.copyOf(refs, d * 2);
        }
        refs[d] = event;
        current.add(id);
    }

    private void start(StackHeader h) {
        inSample = true;
        Sample s = current;
        s.pid = h.pid();
        ThreadState state = threads.get(h);
        if (state == null) {
            String name = CollapsedWriter.threadName(h);
            state = new ThreadState(name, h.hasIid() ? name.substring(name.indexOf(':') + 1) : name);
            if (threads.size() >= MAX_THREADS_CACHED) {
                threads.clear();
            }
            threads.put(h, state);
        }
        thread = state;
        sameAsBefore = true;
        s.thread = state.name;
        s.tid = state.tid;
        s.iid = h.iid();
        s.depth = 0;
        s.marker = false;
        s.hasTime = false;
        s.hasMemory = false;
        s.idle = false;
        s.time = 0;
        s.memory = 0;
    }

    private void end() throws IOException {
        if (!inSample) {
            return;
        }
        inSample = false;
        Sample s = current;
        ThreadState state = thread;
        if (sameAsBefore && s.depth == state.depth) {
            s.stack = state.stack;
        } else {
            s.stack = stacks.intern(s.frames, s.depth);
            // Remember this stack for the thread's next sample: swap the reference arrays, copy the ids.
            StackEvent[] previous = state.refs;
            state.refs = refs;
            refs = previous;
            if (state.ids.length < s.depth) {
                state.ids = new int[s.frames.length];
            }
            System.arraycopy(s.frames, 0, state.ids, 0, s.depth);
            state.depth = s.depth;
            state.stack = s.stack;
        }
        if (!sampled) {
            sampled = true;
            mode = declared != null ? declared
                    : current.hasTime && current.hasMemory ? ProfileMode.FULL
                    : current.hasMemory ? ProfileMode.MEMORY : ProfileMode.WALL;
        }
        if (dropMarked && current.marker) {
            return; // austin-python 1.7.1 cannot parse the marker's empty line number and drops the sample
        }
        sink.sample(current);
    }

    /**
     * The values of {@code s} as the converters pair them with sample kinds, into {@code out} (at least 4 long).
     *
     * <p>Compat: as the text readers compute them, from the metrics the line has whatever the mode: three metrics
     * give {@code cpu, wall, alloc, dealloc} (cpu is 0 when idle), one gives itself, signed (2.2.0 splits a memory
     * delta into {@code alloc, dealloc}). Otherwise by mode: wall and cpu one time; memory {@code alloc, dealloc}
     * (the delta split by sign); full the four values.
     *
     * @return how many values were written
     */
    public static int values(ProfileMode mode, Compat compat, Sample s, long[] out) {
        long single = s.hasTime ? s.time : s.memory;
        if (compat != Compat.NONE) {
            if (s.hasTime && s.hasMemory) {
                return full(s, out);
            }
            if (compat == Compat.AUSTIN_PYTHON_2_2 && mode == ProfileMode.MEMORY) {
                out[0] = Math.max(single, 0);
                out[1] = single < 0 ? -single : 0;
                return 2;
            }
            out[0] = single;
            return 1;
        }
        switch (mode) {
            case MEMORY:
                long m = s.hasMemory ? s.memory : single;
                out[0] = Math.max(m, 0);
                out[1] = m < 0 ? -m : 0;
                return 2;
            case FULL:
                return full(s, out);
            default:
                out[0] = single;
                return 1;
        }
    }

    private static int full(Sample s, long[] out) {
        out[0] = s.idle ? 0 : s.time;
        out[1] = s.time;
        out[2] = Math.max(s.memory, 0);
        out[3] = s.memory < 0 ? -s.memory : 0;
        return 4;
    }
}
