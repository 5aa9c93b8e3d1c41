package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed input always ends in a FormatException that says where, never in an internal error or a hang. */
class BadInputTest {
    private static final byte[] HEADER = {'M', 'O', 'J', 3};

    private static byte[] mojo(int... bytes) {
        byte[] out = Arrays.copyOf(HEADER, HEADER.length + bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            out[HEADER.length + i] = (byte) bytes[i];
        }
        return out;
    }

    private static FormatException mojoError(byte[] bytes) {
        return assertThrows(FormatException.class, () -> Codecs.readMojo(bytes));
    }

    @Test
    void badMagicAndVersion() {
        assertTrue(mojoError(new byte[] {'M', 'O', 'X', 3}).getMessage().contains("not a MOJO file"));
        FormatException e = mojoError(new byte[] {'M', 'O', 'J', 9});
        assertTrue(e.getMessage().contains("unsupported MOJO version 9"), e.getMessage());
        assertTrue(mojoError(new byte[] {'M', 'O', 'J'}).getMessage().contains("no version"));
    }

    @Test
    void truncatedEventNamesItsOffset() {
        // STACK pid=22236 iid=0 tid="56" cut before the NUL
        FormatException e = mojoError(mojo(0x02, 0x9c, 0xdb, 0x02, 0x00, '5', '6'));
        assertEquals(4, e.position());
        assertTrue(e.getMessage().contains("truncated MOJO: STACK event at byte 4"), e.getMessage());
    }

    @Test
    void everyCutOfARealFileIsCleanOrATypedError() throws Exception {
        byte[] full = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.full.py311.mojo"));
        int typed = 0;
        for (int cut = 0; cut < Math.min(full.length, 3000); cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            try {
                Codecs.readMojo(part);
            } catch (FormatException expected) {
                typed++;
                assertTrue(expected.position() <= cut, expected.getMessage());
            }
        }
        assertTrue(typed > 1000, "most cuts fall inside an event: " + typed);
    }

    @Test
    void corruptVarintIsAnError() {
        FormatException e = mojoError(mojo(0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
        assertTrue(e.getMessage().contains("integer longer than 10 bytes in METRIC_TIME event at byte 4"),
                e.getMessage());
    }

    @Test
    void danglingReferences() {
        FormatException frame = mojoError(mojo(0x02, 0x01, 0x00, '1', 0x00, 0x05, 0x07));
        assertTrue(frame.getMessage().contains("FRAME_REF to undefined frame key 7"), frame.getMessage());
        assertEquals(9, frame.position());
        FormatException string = mojoError(mojo(0x02, 0x01, 0x00, '1', 0x00, 0x03, 0x01, 0x05, 0x05, 0x01, 0, 0, 0));
        assertTrue(string.getMessage().contains("undefined string key 5 in FRAME event at byte 9"),
                string.getMessage());
        // Keys are per process: a frame defined in pid 1 is not visible from pid 2.
        FormatException scoped = mojoError(mojo(0x02, 0x01, 0x00, '1', 0x00,
                0x03, 0x07, 0x01, 0x01, 0x01, 0, 0, 0,
                0x02, 0x02, 0x00, '2', 0x00, 0x05, 0x07));
        assertTrue(scoped.getMessage().contains("undefined frame key 7"), scoped.getMessage());
    }

    @Test
    void unknownEventIds() {
        assertTrue(mojoError(mojo(0x00)).getMessage().contains("corrupt MOJO: unknown MOJO event id 0 at byte 4"));
        assertTrue(mojoError(mojo(0x63)).getMessage().contains("unknown MOJO event id 99"));
        // 13-15 are v4 events: not in a v3 file
        assertTrue(mojoError(mojo(0x0d)).getMessage().contains("STACK_REPEAT in a version 3 file"));
    }

    @Test
    void hugeStringIsAnErrorNotAnAllocation() {
        byte[] bytes = new byte[4 + 2 + 200_000];
        System.arraycopy(mojo(0x01), 0, bytes, 0, 5);
        Arrays.fill(bytes, 5, bytes.length, (byte) 'a');
        FormatException e = mojoError(bytes);
        assertTrue(e.getMessage().contains("string longer than 65536 bytes in METADATA event at byte 4"),
                e.getMessage());
    }

    @Test
    @Timeout(60)
    void fuzzedMojoNeverFailsInternally() throws Exception {
        Random random = new Random(42);
        for (Path p : Fixtures.files("v3", ".mojo").subList(0, 6)) {
            byte[] original = Fixtures.bytes(p);
            for (int round = 0; round < 300; round++) {
                byte[] b = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[4 + random.nextInt(b.length - 4)] = (byte) random.nextInt(256);
                }
                try {
                    Codecs.readMojo(b);
                } catch (FormatException ok) {
                    // the expected outcome for most mutations
                } catch (RuntimeException internal) {
                    fail("internal error on a mutation of " + p.getFileName() + ": " + internal, internal);
                }
            }
        }
    }

    private static FormatException textError(String text) {
        return assertThrows(FormatException.class,
                () -> Codecs.readText(text.getBytes(StandardCharsets.UTF_8), Compat.NONE));
    }

    @Test
    void malformedTextLinesNameTheLine() {
        String head = "# austin: 3.7.0\n# mode: wall\n\n";
        assertEquals(4, textError(head + "hello\n").position());
        assertTrue(textError(head + "hello\n").getMessage().startsWith("line 4: not a sample"));
        assertTrue(textError(head + "P1;T0:1;a.py:f:1\n").getMessage().contains("line 4: a sample line must end"));
        assertTrue(textError(head + "Px;T0:1 5\n").getMessage().contains("line 4: bad process id"));
        assertTrue(textError(head + "P1;X0:1 5\n").getMessage().contains("line 4: the process must be followed"));
        assertTrue(textError(head + "P1;T0:1;a.py:f:x 5\n").getMessage().contains("bad line number"));
        assertTrue(textError(head + "P1;T0:1;nocolon 5\n").getMessage().contains("is not 'file:scope:line'"));
        assertTrue(textError(head + "P1;T0:1;;a.py:f:1 5\n").getMessage().contains("empty frame item"));
        assertTrue(textError("# nokey\n").getMessage().contains("line 1: a metadata line must read"));
    }

    @Test
    void compatTextReaderSkipsWhatTheReferenceSkips() throws Exception {
        String text = "# mode: wall\nP1;T0:1;a.py:f:1 9\nP1;T0:1;a.py:f:1 10\nP1;T0:1;:INVALID: 11\ngarbage\n"
                + "P1;T0:1;a.py:f:2 12\n";
        var events = Codecs.readText(text.getBytes(StandardCharsets.UTF_8), Compat.AUSTIN_PYTHON_1_7);
        long samples = events.stream().filter(e -> e instanceof StackHeader).count();
        assertEquals(2, samples, "first line after the header and the marker sample are dropped: " + events);
        assertThrows(FormatException.class, () -> Codecs.readText("P1;T0:1 5\n".getBytes(StandardCharsets.UTF_8),
                Compat.AUSTIN_PYTHON_1_7));
    }

    @Test
    void writerRejectsNulInStrings() throws Exception {
        var out = new ByteArrayOutputStream();
        var events = new io.austin.formats.mojo.MojoEventWriter(out);
        events.write(new StackHeader(1, 0, "1"));
        events.write(FrameRef.of(Frame.of("a\0b", "f", 1)));
        assertThrows(IllegalArgumentException.class, () -> events.write(new TimeMetric(1)));
        var samples = new io.austin.formats.mojo.MojoWriter(new ByteArrayOutputStream());
        Sample bad = Sample.timed(new ThreadKey(1, 0, "1"), java.util.List.of(FrameRef.of(Frame.of("a", "f\0", 1))),
                0, 1);
        assertThrows(IllegalArgumentException.class, () -> samples.write(bad));
    }
}
