package io.austin.bin;

import io.austin.converters.profile.Metric;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.formats.Metadata;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * austin-top's data: the samples of the second in progress, folded per thread into {@link ProfileBuilder}s as they
 * arrive (on the sampler's thread), and, once {@link #tick()} closes a second (on the screen's thread), a
 * {@link TopTally} per thread for each of the last {@code windowSeconds} seconds plus a running one since the start.
 * Memory grows with distinct stacks and threads, never with samples.
 */
final class TopModel {
    private final int windowSeconds;
    private final Object lock = new Object();
    // Guarded by lock: what the sampler's thread touches.
    private Map<ThreadKey, ProfileBuilder> current = new LinkedHashMap<>();
    private final List<Metadata> header = new ArrayList<>();
    private Mode mode;
    private long received;
    // The screen's thread only.
    private final Deque<Map<ThreadKey, TopTally>> seconds = new ArrayDeque<>();
    private final Map<ThreadKey, TopTally> cumulative = new LinkedHashMap<>();
    private final Set<ThreadKey> threads = new LinkedHashSet<>();

    /** A model whose sliding window spans {@code windowSeconds} closed seconds. */
    TopModel(int windowSeconds) {
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("window must be at least 1 second: " + windowSeconds);
        }
        this.windowSeconds = windowSeconds;
    }

    /** The sliding window's length in seconds. */
    int windowSeconds() {
        return windowSeconds;
    }

    /** Takes one event of the sampling stream; any thread. */
    void accept(ProfileEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (lock) {
            if (event instanceof Sample s) {
                ProfileBuilder b = current.get(s.thread());
                if (b == null) {
                    b = new ProfileBuilder();
                    header.forEach(b::metadata);
                    current.put(s.thread(), b);
                }
                b.add(s);
                received++;
            } else if (received == 0) {
                Metadata m = (Metadata) event;
                header.add(m);
                if ("mode".equals(m.key()) && mode == null) {
                    mode = Mode.of(m.value());
                }
            }
        }
    }

    /** The samples taken so far. */
    long received() {
        synchronized (lock) {
            return received;
        }
    }

    /** The mode the header declared, wall until it has. */
    Mode mode() {
        synchronized (lock) {
            return mode == null ? Mode.WALL : mode;
        }
    }

    /** The metrics of {@link #mode()}. */
    List<Metric> metrics() {
        return Metric.of(mode());
    }

    /** Closes the second in progress: its samples join the sliding and the cumulative window. */
    void tick() {
        Map<ThreadKey, ProfileBuilder> closed;
        synchronized (lock) {
            closed = current;
            current = new LinkedHashMap<>();
        }
        Map<ThreadKey, TopTally> second = new LinkedHashMap<>();
        closed.forEach((thread, builder) -> {
            TopTally t = TopTally.of(builder.build());
            second.put(thread, t);
            cumulative.computeIfAbsent(thread, k -> new TopTally()).add(t);
            threads.add(thread);
        });
        seconds.addLast(second);
        while (seconds.size() > windowSeconds) {
            seconds.removeFirst();
        }
    }

    /** Every thread seen in a closed second, in the order they were first seen. */
    List<ThreadKey> threads() {
        return List.copyOf(threads);
    }

    /**
     * The data of a window, per thread: the last {@link #windowSeconds()} closed seconds, or every second since the
     * start. Fresh tallies: later ticks do not change them (the paused view keeps them).
     */
    Map<ThreadKey, TopTally> window(boolean sinceStart) {
        Map<ThreadKey, TopTally> out = new LinkedHashMap<>();
        if (sinceStart) {
            cumulative.forEach((thread, t) -> out.put(thread, t.copy()));
            return out;
        }
        for (Map<ThreadKey, TopTally> second : seconds) {
            second.forEach((thread, t) -> out.computeIfAbsent(thread, k -> new TopTally()).add(t));
        }
        return out;
    }
}
