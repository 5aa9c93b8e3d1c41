package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.collapsed.CollapsedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MojoVersionsTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static final int[] STRING_A = {0x0b, 0x02, 'a', '.', 'p', 'y', 0};
    private static final int[] STRING_F = {0x0b, 0x03, 'f', 0};

    private static byte[] concat(int[]... parts) {
        List<Integer> all = new ArrayList<>();
        for (int[] p : parts) {
            for (int v : p) {
                all.add(v);
            }
        }
        return bytes(all.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void version1HasNoIidAndNoColumns() throws Exception {
        byte[] v1 = concat(new int[] {'M', 'O', 'J', 1, 0x02, 0x07, '1', 'f', 0}, STRING_A, STRING_F,
                new int[] {0x03, 0x09, 0x02, 0x03, 0x05}, new int[] {0x05, 0x09, 0x09, 0x0a});
        List<StackEvent> events = Codecs.readMojo(v1);
        assertEquals(new StackHeader(7, StackHeader.NO_IID, "1f"), events.get(0));
        assertEquals(new FrameRef(9, Frame.of("a.py", "f", 5)), events.get(4));
        String text = new String(Codecs.writeText(events, CollapsedWriter.Layout.PLAIN),
                StandardCharsets.UTF_8);
        assertEquals("P7;T31;a.py:f:5 10\n", text);
    }

    @Test
    void version2HasColumnsButNoIid() throws Exception {
        byte[] v2 = concat(new int[] {'M', 'O', 'J', 2, 0x02, 0x07, '1', 'f', 0}, STRING_A, STRING_F,
                new int[] {0x03, 0x09, 0x02, 0x03, 0x05, 0x06, 0x02, 0x08}, new int[] {0x05, 0x09, 0x09, 0x0a});
        List<StackEvent> events = Codecs.readMojo(v2);
        assertEquals(new FrameRef(9, new Frame("a.py", "f", 5, 6, 2, 8)), events.get(4));
        assertTrue(events.get(3) instanceof FrameDef);
    }

    static List<Path> v3() {
        return Fixtures.files("v3", ".mojo");
    }

    /**
     * Events without definitions (as the sampler emits them) get definitions in Austin's order: before the first
     * reference of the sample that first needs them, leaf to root. Same frames, same keys, same text.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("v3")
    void generatedDefinitionsFollowAustinsOrder(Path mojo) throws Exception {
        List<StackEvent> original = Codecs.readMojo(Fixtures.bytes(mojo));
        List<StackEvent> refsOnly = new ArrayList<>(original);
        refsOnly.removeIf(e -> e instanceof FrameDef || e instanceof StringDef);
        List<StackEvent> regenerated = Codecs.readMojo(Codecs.writeMojo(refsOnly));

        CollapsedWriter.Layout plain = CollapsedWriter.Layout.PLAIN;
        assertEquals(new String(Codecs.writeText(original, plain), StandardCharsets.UTF_8),
                new String(Codecs.writeText(regenerated, plain), StandardCharsets.UTF_8));
        List<String> a = skeleton(original);
        List<String> b = skeleton(regenerated);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                assertEquals(a.get(i), b.get(i), "first difference at event " + i);
            }
        }
        assertEquals(a.size(), b.size());

        // The same through whole samples and the sample writer: same text, definitions in the same order.
        List<StackEvent> fromSamples = Codecs.readMojo(Codecs.writeMojoSamples(Codecs.samples(original)));
        assertEquals(new String(Codecs.writeText(original, plain), StandardCharsets.UTF_8),
                new String(Codecs.writeText(fromSamples, plain), StandardCharsets.UTF_8));
        assertEquals(a, skeleton(fromSamples));
    }

    /** The event sequence with strings and INVALID markers left out and frame definitions reduced to key and frame. */
    private static List<String> skeleton(List<StackEvent> events) {
        List<String> out = new ArrayList<>();
        for (StackEvent e : events) {
            // Where INVALID stands among definitions depends on why the stack failed, which events do not carry;
            // its place among the frames is checked by the text comparison.
            if (e instanceof StringDef || e instanceof InvalidFrame) {
                continue;
            }
            out.add(e instanceof FrameDef ? "DEF " + ((FrameDef) e).key() + " " + ((FrameDef) e).frame()
                    : e.toString());
        }
        return out;
    }

    @Test
    @Timeout(60)
    void fuzzedTextNeverFailsInternally() throws Exception {
        Random random = new Random(7);
        byte[] original = Fixtures.bytes(Fixtures.root().resolve("text/two_threads.full.py311.txt"));
        byte[] alphabet = "P;T:0123456789 ,#\n-abc<>.".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 400; round++) {
            byte[] b = original.clone();
            for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
                b[random.nextInt(b.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            for (Compat compat : new Compat[] {Compat.NONE, Compat.AUSTIN_PYTHON_1_7}) {
                try {
                    Codecs.readText(b, compat);
                } catch (FormatException expected) {
                    assertTrue(expected.getMessage().startsWith("line "), expected.getMessage());
                }
            }
        }
    }
}
