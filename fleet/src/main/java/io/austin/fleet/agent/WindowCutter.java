package io.austin.fleet.agent;

import io.austin.converters.Conversions;
import io.austin.converters.pprof.PprofOptions;
import io.austin.fleet.otlp.OtlpProfiles;
import io.austin.formats.Mode;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * Cuts one sampling run's events into windows aligned to wall-clock multiples of the window length, per process
 * (a run with children has several). Thread-safe: samples come from the run's thread, cuts from the agent's timer.
 */
final class WindowCutter {
    private final String service;
    private final String host;
    private final long length;
    private final List<Metadata> header = new ArrayList<>();
    private final Map<Integer, List<Sample>> open = new HashMap<>();
    private final Map<Integer, String> pythons = new HashMap<>();
    private final boolean otlp;
    private String mode = "wall";
    private long intervalMicros;
    private boolean sampled;
    private long start;

    /**
     * @param length the window length in milliseconds
     * @param now    the current time in milliseconds: the first window is the one that contains it
     * @param otlp   whether windows carry OTLP profiles too
     */
    WindowCutter(String service, String host, long length, long now, boolean otlp) {
        this.service = service;
        this.host = host;
        this.length = length;
        this.otlp = otlp;
        this.start = now - Math.floorMod(now, length);
    }

    /** The process's Python version, for its windows' labels. */
    synchronized void python(int pid, String version) {
        pythons.put(pid, version);
    }

    /** One event of the run: header metadata is kept for every window's profile, samples go to the open window. */
    synchronized void accept(ProfileEvent e) {
        if (e instanceof Sample s) {
            sampled = true;
            open.computeIfAbsent((int) s.thread().pid(), p -> new ArrayList<>()).add(s);
        } else if (e instanceof Metadata m && !sampled && header.size() < 16) {
            header.add(m);
            if (m.key().equals("mode")) {
                mode = m.value();
            }
            if (m.key().equals("interval")) {
                try {
                    intervalMicros = Long.parseLong(m.value());
                } catch (NumberFormatException ignored) {
                    // not a number: no period in the OTLP profiles
                }
            }
            if (m.key().equals("python") && pythons.isEmpty()) {
                pythons.put(-1, m.value());
            }
        }
    }

    /**
     * Closes the open windows at {@code now} (the boundary, or the end of the run) and returns them; the next window
     * starts at the boundary at or before {@code now}.
     */
    List<Window> cut(long now) {
        Map<Integer, List<Sample>> closing;
        List<Metadata> head;
        long from;
        String m;
        long interval;
        Map<Integer, String> versions;
        synchronized (this) {
            closing = new HashMap<>(open);
            open.clear();
            head = List.copyOf(header);
            from = start;
            start = Math.max(start, now - Math.floorMod(now, length));
            m = mode;
            interval = intervalMicros;
            versions = new HashMap<>(pythons);
        }
        List<Window> out = new ArrayList<>();
        long end = Math.min(now, from + length);
        for (Map.Entry<Integer, List<Sample>> w : closing.entrySet()) {
            List<ProfileEvent> events = new ArrayList<>(head);
            events.addAll(w.getValue());
            String python = versions.getOrDefault(w.getKey(), versions.getOrDefault(-1, ""));
            long to = Math.max(from + 1, end);
            byte[] request = otlp ? OtlpProfiles.request(Mode.of(m), w.getValue(), new OtlpProfiles.Labels(service,
                    host, w.getKey(), python, from, to, interval)).toByteArray() : null;
            out.add(new Window(service, host, w.getKey(), m, python, from, to, w.getValue().size(), pprof(events),
                    request));
        }
        return out;
    }

    /** The window start a cut at {@code now} closes (for tests). */
    synchronized long start() {
        return start;
    }

    private static byte[] pprof(List<ProfileEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flux.fromIterable(events).as(Conversions.writeTo(Conversions.toPprof(PprofOptions.defaults().withGzip(true)),
                out)).block();
        return out.toByteArray();
    }
}
