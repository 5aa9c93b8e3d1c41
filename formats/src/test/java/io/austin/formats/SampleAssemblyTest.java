package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** Codec events to whole samples and back. */
class SampleAssemblyTest {
    private static final Frame A = Frame.of("a.py", "f", 1);
    private static final Frame B = Frame.of("a.py", "g", 2);

    @Test
    void aRepeatedStackIsTheSameListAndAChangedOneIsNot() throws Exception {
        FrameRef a = new FrameRef(1, A);
        FrameRef b = new FrameRef(2, B);
        List<ProfileEvent> samples = Codecs.samples(List.of(new Metadata("mode", "wall"),
                new StackHeader(1, 0, "1"), a, b, new TimeMetric(10),
                new StackHeader(1, 0, "2"), a, new TimeMetric(10),
                new StackHeader(1, 0, "1"), a, b, new TimeMetric(11),
                new StackHeader(1, 0, "1"), a, new TimeMetric(12)));
        Sample first = (Sample) samples.get(1);
        Sample again = (Sample) samples.get(3);
        Sample changed = (Sample) samples.get(4);
        assertEquals(List.of(a, b), first.frames());
        assertSame(first.frames(), again.frames(), "same thread, same references: same list");
        assertNotSame(first.frames(), changed.frames());
        assertEquals(11, again.time());
        assertTrue(again.hasTime() && !again.hasMemory());
    }

    @Test
    void markersMetricsAndKernelFramesBecomeFlagsAndFrames() throws Exception {
        List<ProfileEvent> samples = Codecs.samples(List.of(new Metadata("mode", "full"),
                new StackHeader(7, 1, "1f"), InvalidFrame.INSTANCE, FrameRef.of(A), new KernelFrame("sys_read"),
                GcMarker.INSTANCE, new TimeMetric(5), IdleMarker.INSTANCE, new MemoryMetric(-4096)));
        Sample s = (Sample) samples.get(1);
        assertEquals(new ThreadKey(7, 1, "1f"), s.thread());
        assertEquals("1:31", s.thread().textName());
        assertEquals(31, s.thread().nativeId());
        assertTrue(s.invalid() && s.gc() && s.idle() && s.hasTime() && s.hasMemory());
        assertEquals(-4096, s.memory());
        assertEquals(FrameRef.kernel("sys_read"), s.frames().get(1));
        assertTrue(s.frames().get(1).isKernel());
        // And back to the same events.
        assertEquals(List.of(new StackHeader(7, 1, "1f"), InvalidFrame.INSTANCE, FrameRef.of(A),
                new KernelFrame("sys_read"), GcMarker.INSTANCE, new TimeMetric(5), IdleMarker.INSTANCE,
                new MemoryMetric(-4096)), SampleEvents.of(s));
    }

    /** With the mode known, a sample is handed out at its last metric, before anything else is read (live pipes). */
    @Test
    void aSampleIsCompleteAtItsLastMetricWhenTheModeIsKnown() throws Exception {
        Queue<StackEvent> events = new ArrayDeque<>(List.of(new Metadata("mode", "wall"),
                new StackHeader(1, 0, "1"), FrameRef.of(A), new TimeMetric(3)));
        StackEventReader blocking = new StackEventReader() {
            @Override
            public StackEvent next() {
                StackEvent e = events.poll();
                if (e == null) {
                    throw new AssertionError("read past the sample: the reader would block on a live pipe");
                }
                return e;
            }

            @Override
            public void close() {
            }
        };
        ProfileEventReader r = StackEvents.samples(blocking);
        assertEquals(new Metadata("mode", "wall"), r.next());
        assertEquals(3, ((Sample) r.next()).time());
    }

    @Test
    void withoutAModeASampleEndsAtTheNextHeaderOrTheEnd() throws Exception {
        String text = "P1;T0:1;a.py:f:1 5\nP1;T0:1;a.py:f:1 6\n";
        ProfileEventReader r = StackEvents.samples(StackEvents.open(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
        assertEquals(5, ((Sample) r.next()).time());
        assertEquals(6, ((Sample) r.next()).time());
        assertNull(r.next());
    }

    /**
     * A MOJO reader hands frame references straight to the assembler; the samples must be those assembled from the
     * reader's events one by one (a reader without that shortcut), on every MOJO fixture, v4 repeats included.
     */
    @Test
    void framesHandedOverByTheReaderMakeTheSameSamplesAsEventsOneByOne() throws Exception {
        List<java.nio.file.Path> files = new java.util.ArrayList<>(Fixtures.files("v3", ".mojo"));
        files.addAll(Fixtures.files("v4", ".mojo"));
        assertTrue(files.size() > 30);
        for (java.nio.file.Path p : files) {
            byte[] bytes = Fixtures.bytes(p);
            List<ProfileEvent> fast = all(StackEvents.samples(
                    new io.austin.formats.mojo.MojoReader(new ByteArrayInputStream(bytes))));
            io.austin.formats.mojo.MojoReader plain = new io.austin.formats.mojo.MojoReader(
                    new ByteArrayInputStream(bytes));
            StackEventReader oneByOne = new StackEventReader() {
                @Override
                public StackEvent next() throws java.io.IOException {
                    return plain.next();
                }

                @Override
                public void close() throws java.io.IOException {
                    plain.close();
                }
            };
            List<ProfileEvent> slow = all(StackEvents.samples(oneByOne));
            assertEquals(slow, fast, p.toString());
            assertTrue(fast.stream().anyMatch(e -> e instanceof Sample s && !s.frames().isEmpty()), p.toString());
        }
    }

    private static List<ProfileEvent> all(ProfileEventReader r) throws Exception {
        List<ProfileEvent> out = new java.util.ArrayList<>();
        try (r) {
            for (ProfileEvent e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }
}
