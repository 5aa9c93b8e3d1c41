package io.austin.fleet.pprof;

import io.austin.converters.Conversions;
import io.austin.converters.pprof.PprofOptions;
import io.austin.formats.Compat;
import io.austin.formats.Fixtures;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;

/** Recordings, conversions and comparisons shared by the pprof tests. */
final class PprofTestSupport {
    /** Recorded fixtures of every mode, with markers, kernel frames, named threads, cut-off samples, text and v4. */
    static final List<String> FIXTURES = List.of(
            "v3/two_threads.wall.py311.mojo",
            "v3/sleeper.cpu.py311.mojo",
            "v3/mem_alloc.memory.py311.mojo",
            "v3/two_threads.full.py311.mojo",
            "v3/gc_heavy.full_gc.py311.mojo",
            "v3/gc_heavy.gc.py39.mojo",
            "v3/sleeper.wall.py311.mojo",
            "v3/mp_child.children.py311.mojo",
            "text/two_threads.full.py311.txt",
            "text/mem_alloc.memory.py311.txt",
            "synthetic/edge_wall.v3.mojo",
            "synthetic/edge_full.v3.mojo",
            "synthetic/edge_full_truncated.v3.mojo",
            "v4/repeat.mojo");

    private static final Pattern METRICS = Pattern.compile("-?\\d+|-?\\d+,[01],-?\\d+");

    private PprofTestSupport() {
    }

    static Stream<String> fixtures() {
        return FIXTURES.stream();
    }

    /** The events of a recorded fixture, read losslessly. */
    static List<ProfileEvent> read(String fixture) {
        Path path = Fixtures.root().resolve(fixture);
        return Conversions.readProfile(() -> Files.newInputStream(path), Compat.NONE).collectList().block();
    }

    /** The events as {@code PprofWriter} writes them, uncompressed. */
    static byte[] pprof(List<ProfileEvent> events) {
        return pprof(events, PprofOptions.defaults());
    }

    static byte[] pprof(List<ProfileEvent> events, PprofOptions options) {
        return join(Flux.fromIterable(events).transform(Conversions.toPprof(options)));
    }

    /** The events as collapsed text without separator lines. */
    static String collapsed(List<ProfileEvent> events) {
        return new String(join(Flux.fromIterable(events).transform(Conversions.toCollapsed(
                CollapsedWriter.Layout.PLAIN))), StandardCharsets.UTF_8);
    }

    static byte[] join(Flux<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : chunks.toIterable()) {
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /** The sample lines of collapsed text, sorted: the text as a multiset of lines. */
    static List<String> sampleLines(String text) {
        return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
    }

    /**
     * Collapsed text aggregated by stack (thread and frames, markers included): the sums of CPU time (full mode), of
     * the single metric or wall time, and of the memory delta (full mode). A line without metrics adds zeros.
     */
    static Map<String, List<Long>> aggregate(String text) {
        Map<String, long[]> sums = new TreeMap<>();
        for (String line : sampleLines(text)) {
            int space = line.lastIndexOf(' ');
            String stack = line;
            long[] v = new long[3];
            if (space > 0 && METRICS.matcher(line.substring(space + 1)).matches()) {
                stack = line.substring(0, space);
                String[] m = line.substring(space + 1).split(",");
                if (m.length == 1) {
                    v[1] = Long.parseLong(m[0]);
                } else {
                    v[0] = m[1].equals("0") ? Long.parseLong(m[0]) : 0;
                    v[1] = Long.parseLong(m[0]);
                    v[2] = Long.parseLong(m[2]);
                }
            }
            long[] sum = sums.computeIfAbsent(stack, k -> new long[3]);
            for (int i = 0; i < 3; i++) {
                sum[i] += v[i];
            }
        }
        Map<String, List<Long>> out = new TreeMap<>();
        sums.forEach((k, v) -> out.put(k, Arrays.stream(v).boxed().toList()));
        return out;
    }

    /** The metadata before the first sample. */
    static List<ProfileEvent> header(List<ProfileEvent> events) {
        List<ProfileEvent> header = new ArrayList<>();
        for (ProfileEvent e : events) {
            if (e instanceof Sample) {
                break;
            }
            header.add(e);
        }
        return header;
    }

    /** The samples only. */
    static List<Sample> samples(List<ProfileEvent> events) {
        return events.stream().filter(e -> e instanceof Sample).map(e -> (Sample) e).toList();
    }

    /**
     * The recording cut into {@code n} windows as an agent would publish them: each with the header, the samples of
     * its part, and the last one with the footer.
     */
    static List<List<ProfileEvent>> windows(List<ProfileEvent> events, int n) {
        List<ProfileEvent> header = header(events);
        List<Sample> samples = samples(events);
        int lastSample = events.lastIndexOf(samples.get(samples.size() - 1));
        List<ProfileEvent> footer = events.subList(lastSample + 1, events.size());
        List<List<ProfileEvent>> windows = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            List<ProfileEvent> window = new ArrayList<>(header);
            window.addAll(samples.subList(samples.size() * w / n, samples.size() * (w + 1) / n));
            if (w == n - 1) {
                window.addAll(footer);
            }
            windows.add(window);
        }
        return windows;
    }

    /** A root-first stack of frames of {@code /app/x.py}, named by the given scopes, lines 1, 2, 3... */
    static List<FrameRef> stack(String... scopes) {
        List<FrameRef> frames = new ArrayList<>();
        for (int i = 0; i < scopes.length; i++) {
            frames.add(FrameRef.of(Frame.of("/app/x.py", scopes[i], i + 1)));
        }
        return List.copyOf(frames);
    }

    /** A header declaring {@code mode}, followed by the samples. */
    static List<ProfileEvent> profile(String mode, Sample... samples) {
        List<ProfileEvent> events = new ArrayList<>();
        events.add(new Metadata("mode", mode));
        events.addAll(List.of(samples));
        return events;
    }

    /** The sum of each value of each sample type of a raw or compressed pprof profile, read directly. */
    static long[] valueSums(byte[] pprof) {
        var profile = PprofCodec.decode(pprof);
        long[] sums = new long[profile.getSampleTypeCount()];
        for (var s : profile.getSampleList()) {
            for (int i = 0; i < sums.length; i++) {
                sums[i] += s.getValue(i);
            }
        }
        return sums;
    }
}
