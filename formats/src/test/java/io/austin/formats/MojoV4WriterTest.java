package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.mojo.MojoWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MOJO v4 as Austin 4 writes it: a repeated stack is {@code STACK_REPEAT}, only where a reader expands it back to the
 * same frames, and a v4 file decodes to the samples the v3 file of the same events decodes to.
 */
class MojoV4WriterTest {
    private static final ThreadKey T1 = ThreadKey.of(7, 0, 7);
    private static final ThreadKey T2 = ThreadKey.of(7, 0, 8);

    private record Written(byte[] bytes, long repeats) {
    }

    private static Written write(List<ProfileEvent> events, int version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long repeats;
        try (MojoWriter w = new MojoWriter(out, version)) {
            for (ProfileEvent e : events) {
                w.write(e);
            }
            repeats = w.repeats();
        }
        return new Written(out.toByteArray(), repeats);
    }

    private static List<ProfileEvent> read(byte[] bytes) {
        return StackEvents.profile(() -> new ByteArrayInputStream(bytes)).collectList().block();
    }

    /** Samples as values to compare: thread, frames (by value), flags and metrics. */
    private static List<String> values(List<ProfileEvent> events) {
        List<String> out = new ArrayList<>();
        for (ProfileEvent e : events) {
            if (e instanceof Sample s) {
                out.add(s.thread() + " " + s.frames().stream().map(FrameRef::frame).toList() + " " + s.flags() + " "
                        + s.time() + " " + s.memory());
            } else {
                out.add(e.toString());
            }
        }
        return out;
    }

    @Test
    void repeatsOnlyUnchangedValidPythonStacks() throws IOException {
        List<FrameRef> a = List.of(FrameRef.of(Frame.of("app.py", "main", 3)), FrameRef.of(Frame.of("app.py", "f", 9)));
        List<FrameRef> b = List.of(FrameRef.of(Frame.of("app.py", "main", 4)));
        List<FrameRef> nativeLeaf = List.of(FrameRef.of(Frame.of("app.py", "main", 3)),
                FrameRef.of(Frame.of("/usr/bin/tool", "run", 12))); // a script without .py: "native" to readers
        List<FrameRef> frozen = List.of(FrameRef.of(Frame.of("<frozen importlib._bootstrap>", "_load", 5)));
        List<ProfileEvent> events = List.of(new Metadata("mode", "wall"),
                Sample.timed(T1, a, 0, 100), // first of T1: written in full
                Sample.timed(T2, a, 0, 100), // first of T2: written in full, although T1 had it
                Sample.timed(T1, a, 0, 110), // 1: same instance
                Sample.timed(T1, new ArrayList<>(a), Sample.GC, 120), // 2: equal, with a GC marker
                Sample.timed(T1, b, 0, 100), // changed
                Sample.timed(T1, b, Sample.INVALID, 100), // invalid: never a repeat
                Sample.timed(T1, b, 0, 100), // after an invalid one: in full
                Sample.timed(T1, b, 0, 100), // 3
                Sample.timed(T1, nativeLeaf, 0, 100),
                Sample.timed(T1, nativeLeaf, 0, 100), // a reader would drop the leaf: in full
                Sample.timed(T2, frozen, 0, 100),
                Sample.timed(T2, frozen, 0, 100), // 4: <...> files are Python
                Sample.timed(T2, List.of(), 0, 100),
                Sample.timed(T2, List.of(), 0, 100), // empty: nothing to repeat
                new Metadata("duration", "1500"));
        Written v4 = write(events, 4);
        Written v3 = write(events, 3);
        assertEquals(4, v4.bytes()[3], "MOJ\\x04");
        assertEquals(3, v3.bytes()[3]);
        assertEquals(4, v4.repeats());
        assertEquals(0, v3.repeats());
        assertEquals(values(read(v3.bytes())), values(read(v4.bytes())), "v4 decodes to the v3 samples");
        assertEquals(values(events), values(read(v4.bytes())), "and to what was written");
        assertTrue(v4.bytes().length < v3.bytes().length);
        assertThrows(IllegalArgumentException.class, () -> new MojoWriter(new ByteArrayOutputStream(), 5));
    }

    /** Austin 4.0's own v4 file, decoded and written again as v4: the same samples, and repeats where it had them. */
    @Test
    void austinFourFileRoundTrips() throws IOException {
        byte[] original = Fixtures.bytes(Fixtures.root().resolve("v4/repeat.mojo"));
        List<ProfileEvent> events = read(original);
        Written again = write(events, 4);
        assertEquals(values(events), values(read(again.bytes())));
        long samples = events.stream().filter(e -> e instanceof Sample).count();
        System.out.printf("[mojo v4] repeat.mojo: %d samples, Austin 4.0 wrote %d bytes, we write %d (v4, %d repeats)"
                + " and %d (v3)%n", samples, original.length, again.bytes().length, again.repeats(),
                write(events, 3).bytes().length);
        assertTrue(again.repeats() > samples / 3, again.repeats() + " repeats of " + samples);
    }

    /**
     * A reader accepts a repeat only where Austin writes it, first in the sample and once: a second one would double
     * the stack at every sample (a fuzzer found 1,360 bytes that expanded past 467,856 events).
     */
    @Test
    void aRepeatTwiceOrAfterFramesIsCorrupt() throws IOException {
        List<FrameRef> a = List.of(FrameRef.of(Frame.of("app.py", "main", 3)), FrameRef.of(Frame.of("app.py", "f", 9)));
        byte[] ok = write(List.of(new Metadata("mode", "wall"), Sample.timed(T1, a, 0, 100), Sample.timed(T1, a, 0, 7)),
                4).bytes();
        assertEquals(2, read(ok).stream().filter(e -> e instanceof Sample).count());
        // The last sample ends STACK_REPEAT (13), METRIC_TIME (9), 7.
        int at = ok.length - 3;
        assertEquals(13, ok[at]);
        assertEquals(9, ok[at + 1]);
        byte[] twice = new byte[ok.length + 1];
        System.arraycopy(ok, 0, twice, 0, at + 1);
        twice[at + 1] = 13;
        System.arraycopy(ok, at + 1, twice, at + 2, ok.length - at - 1);
        FormatException e = assertThrows(FormatException.class,
                () -> Codecs.readMojo(twice));
        assertTrue(e.getMessage().contains("STACK_REPEAT after the sample's frames"), e.getMessage());
    }
}
