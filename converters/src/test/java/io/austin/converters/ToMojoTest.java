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
    @Test
    void everyV3FixtureReEncodesToItsOwnBytes() {
        List<Path> files = Fixtures.files("v3", ".mojo");
        assertEquals(30, files.size());
        for (Path p : files) {
            byte[] in = Fixtures.bytes(p);
            assertArrayEquals(in, Run.collect(Run.profileEvents(in, Compat.NONE), Conversions.toMojo()),
                    p.getFileName().toString());
        }
    }

    @Test
    void textBecomesMojoThatReadsBackToTheSameText() {
        byte[] text = Fixtures.bytes(Fixtures.root().resolve("text/two_threads.full_pipe.py311.txt"));
        byte[] mojo = Run.collect(Run.profileEvents(text, Compat.NONE), Conversions.toMojo());
        byte[] again = Run.collect(Run.profileEvents(mojo, Compat.NONE), Conversions.toCollapsed(
                CollapsedOptions.defaults()));
        byte[] plain = Run.collect(Run.profileEvents(text, Compat.NONE), Conversions.toCollapsed(
                CollapsedOptions.defaults()));
        assertArrayEquals(plain, again);
    }
}
