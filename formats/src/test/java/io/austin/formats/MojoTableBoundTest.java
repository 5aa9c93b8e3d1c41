package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.mojo.MojoWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A profile with far more distinct frames than the writer remembers (a program that makes new code all the time):
 * the writer forgets its tables and defines frames again, and a reader still gets every sample's frames right.
 */
class MojoTableBoundTest {
    @Test
    void moreDistinctFramesThanTheTablesHoldStillDecode() throws Exception {
        ThreadKey thread = ThreadKey.of(42, 0, 42);
        List<Sample> written = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MojoWriter w = new MojoWriter(out)) {
            w.write(new Metadata("mode", "wall"));
            Frame main = Frame.of("main.py", "<module>", 1);
            for (int i = 0; i < 150_000; i++) {
                // Address-like keys, many of them new, some reused with other code (a freed and reused address).
                long key = 0x7f00_0000_0000L + 64L * (i % 120_000);
                Frame f = Frame.of("gen" + i % 90_000 + ".py", "f" + i, i % 1000 + 1);
                Sample s = Sample.timed(thread, List.of(new FrameRef(1, main), new FrameRef(key, f)), 0, 100);
                w.write(s);
                written.add(s);
            }
        }
        List<ProfileEvent> read = StackEvents.profile(() -> new ByteArrayInputStream(out.toByteArray()))
                .collectList().block();
        List<Sample> samples = new ArrayList<>();
        for (ProfileEvent e : read) {
            if (e instanceof Sample s) {
                samples.add(s);
            }
        }
        assertEquals(written.size(), samples.size());
        for (int i = 0; i < samples.size(); i++) {
            List<Frame> expected = written.get(i).frames().stream().map(FrameRef::frame).toList();
            List<Frame> actual = samples.get(i).frames().stream().map(FrameRef::frame).toList();
            assertEquals(expected, actual, "sample " + i);
        }
        assertTrue(out.size() > 0);
    }
}
