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
}
