package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Conversions;
import io.austin.formats.FrameRef;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.formats.ThreadKey;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Pythons;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** MOJO v4 from real runs: the v3 and v4 encodings of one run decode to the same samples; austin writes v4 on demand. */
class MojoV4IT {
    @TempDir
    Path tmp;

    private static List<ProfileEvent> read(byte[] bytes) {
        return StackEvents.profile(() -> new ByteArrayInputStream(bytes)).collectList().block();
    }

    private static List<String> values(List<ProfileEvent> events) {
        List<String> out = new ArrayList<>();
        for (ProfileEvent e : events) {
            out.add(e instanceof Sample s ? s.thread() + " " + s.frames().stream().map(FrameRef::frame).toList()
                    + " " + s.flags() + " " + s.time() + " " + s.memory() : e.toString());
        }
        return out;
    }

    /**
     * One real run written both ways at once: the same samples back from each, v4 smaller, and a repeat written for
     * no more samples than have the stack their thread had in its previous sample.
     */
    @Test
    void oneRunAsV3AndV4DecodesToTheSameSamples() throws Exception {
        Path python = Pythons.any().path();
        Path target = io.austin.formats.Fixtures.target("shares.py").toAbsolutePath();
        SamplerOptions options = SamplerOptions.defaults().withInterval(Duration.ofMillis(1)).withQuietChild(true);
        Flux<ProfileEvent> run = Sampler.spawn(List.of(python.toString(), "-S", target.toString()), options)
                .publish().autoConnect(3);
        ByteArrayOutputStream v3 = new ByteArrayOutputStream();
        ByteArrayOutputStream v4 = new ByteArrayOutputStream();
        List<ProfileEvent> seen = new ArrayList<>();
        reactor.core.publisher.Mono.when(run.as(Conversions.writeTo(Conversions.toMojo(3), v3)),
                run.as(Conversions.writeTo(Conversions.toMojo(4), v4)), run.doOnNext(seen::add).then()).block();
        assertEquals(3, v3.toByteArray()[3]);
        assertEquals(4, v4.toByteArray()[3]);
        List<String> fromV3 = values(read(v3.toByteArray()));
        assertEquals(fromV3, values(read(v4.toByteArray())), "v4 decodes to the v3 samples");
        assertEquals(values(seen), fromV3, "and both to the run's samples");

        // Repeats stand only for unchanged stacks: count the samples that could be one.
        Map<ThreadKey, List<FrameRef>> last = new HashMap<>();
        long unchanged = 0;
        long samples = 0;
        for (ProfileEvent e : seen) {
            if (e instanceof Sample s) {
                samples++;
                List<FrameRef> previous = s.invalid() ? last.remove(s.thread()) : last.put(s.thread(), s.frames());
                if (!s.invalid() && previous != null && previous.equals(s.frames()) && !s.frames().isEmpty()) {
                    unchanged++;
                }
            }
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        long repeats;
        try (MojoWriter w = new MojoWriter(again, 4)) {
            for (ProfileEvent e : seen) {
                w.write(e);
            }
            repeats = w.repeats();
        }
        assertTrue(repeats > 0 && repeats <= unchanged, repeats + " repeats, " + unchanged + " unchanged stacks");
        System.out.printf("[mojo v4] one run of shares.py at 1 ms: %d samples, %d with an unchanged stack, %d repeats;"
                + " %d bytes as v3, %d as v4 (%.2f), %.1f and %.1f bytes per sample%n", samples, unchanged, repeats,
                v3.size(), v4.size(), (double) v4.size() / v3.size(), (double) v3.size() / samples,
                (double) v4.size() / samples);
        assertTrue(v4.size() < v3.size());
    }

    @Test
    void austinWritesV4OnDemandAndRefusesOtherVersions() throws Exception {
        Path out = tmp.resolve("fib.mojo");
        ToolRun r = ToolRun.of("austin", "-b", "--mojo-version", "4", "-i", "1ms", "-o", out.toString(),
                Pythons.any().path().toString(), "-S", io.austin.formats.Fixtures.target("shares.py").toString());
        assertEquals(0, r.status(), r.err());
        byte[] bytes = Files.readAllBytes(out);
        assertEquals("MOJ\u0004", new String(bytes, 0, 4, StandardCharsets.ISO_8859_1));
        List<ProfileEvent> events = read(bytes);
        assertTrue(events.stream().filter(e -> e instanceof Sample).count() > 100, "samples");
        assertTrue(events.stream().anyMatch(e -> e.toString().contains("duration")), "the footer");

        ToolRun bad = ToolRun.of("austin", "-b", "--mojo-version", "5", "python3", "-c", "pass");
        assertEquals(ExitCodes.USAGE, bad.status());
        assertTrue(bad.err().startsWith("austin: --mojo-version must be 3 or 4, not 5\n"), bad.err());
    }
}
