package io.austin.converters;

import io.austin.formats.Fixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.austin.formats.Compat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Conversions#toMojo()} as a chunk stream, on the real fixtures. */
class ToMojoTest {
    /** Samples re-encoded as MOJO (keys kept, strings re-keyed) print the same text as the original file. */
    @Test
    void everyV3FixtureReEncodesToTheSameProfile() {
        List<Path> files = Fixtures.files("v3", ".mojo");
        assertEquals(30, files.size());
        for (Path p : files) {
            byte[] in = Fixtures.bytes(p);
            byte[] mojo = Run.collect(Run.profileEvents(in, Compat.NONE), Conversions.toMojo());
            assertEquals("MOJ", new String(mojo, 0, 3, java.nio.charset.StandardCharsets.US_ASCII));
            assertArrayEquals(Run.collapsed(in, Compat.NONE), Run.collapsed(mojo, Compat.NONE),
                    p.getFileName().toString());
        }
    }

    @Test
    void textBecomesMojoThatReadsBackToTheSameText() {
        byte[] text = Fixtures.bytes(Fixtures.root().resolve("text/two_threads.full_pipe.py311.txt"));
        byte[] mojo = Run.collect(Run.profileEvents(text, Compat.NONE), Conversions.toMojo());
        byte[] again = Run.collect(Run.profileEvents(mojo, Compat.NONE), Conversions.toCollapsed(
                io.austin.formats.collapsed.CollapsedWriter.Layout.PLAIN));
        byte[] plain = Run.collect(Run.profileEvents(text, Compat.NONE), Conversions.toCollapsed(
                io.austin.formats.collapsed.CollapsedWriter.Layout.PLAIN));
        assertArrayEquals(plain, again);
    }

    /**
     * The same fixtures (every mode, full and memory included) as MOJO v4: the same profile back, and fewer bytes
     * (a stack unchanged since its thread's previous sample is one event).
     */
    @Test
    void everyV3FixtureAsV4ReadsBackToTheSameProfileInFewerBytes() {
        long v3Bytes = 0;
        long v4Bytes = 0;
        for (Path p : Fixtures.files("v3", ".mojo")) {
            byte[] in = Fixtures.bytes(p);
            byte[] v3 = Run.collect(Run.profileEvents(in, Compat.NONE), Conversions.toMojo(3));
            byte[] v4 = Run.collect(Run.profileEvents(in, Compat.NONE), Conversions.toMojo(4));
            assertEquals(4, v4[3], "MOJ\\x04");
            assertArrayEquals(Run.collapsed(in, Compat.NONE), Run.collapsed(v4, Compat.NONE),
                    p.getFileName().toString());
            org.junit.jupiter.api.Assertions.assertTrue(v4.length <= v3.length, p.getFileName().toString());
            v3Bytes += v3.length;
            v4Bytes += v4.length;
        }
        System.out.printf("[mojo v4] 30 fixtures: %d bytes as v3, %d as v4 (%.2f)%n", v3Bytes, v4Bytes,
                (double) v4Bytes / v3Bytes);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Conversions.toMojo(2));
    }
}
