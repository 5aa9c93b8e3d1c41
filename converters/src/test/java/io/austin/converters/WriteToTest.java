package io.austin.converters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.Compat;
import io.austin.formats.Fixtures;
import io.austin.formats.ProfileEvent;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

/**
 * {@link Conversions#writeTo(Function, OutputStream)} where it can differ from the chunk path: failures of the source
 * and of the stream, and steps that are not this library's. (That the bytes are the same on success is checked by
 * every conversion test, through {@link Run#collect}.)
 */
class WriteToTest {
    private static final byte[] INPUT = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.wall.py311.mojo"));

    /** The first {@code n} events of the fixture, then an I/O error. */
    private static Flux<ProfileEvent> failingAfter(int n, IOException error) {
        return Run.profileEvents(INPUT, Compat.NONE).take(n).concatWith(Flux.error(error));
    }

    private static Throwable failure(Runnable r) {
        return Exceptions.unwrap(assertThrows(RuntimeException.class, r::run));
    }

    @Test
    void aSourceErrorKeepsTheTextLinesCompletedBeforeItAsTheChunkPathDoes() {
        IOException boom = new IOException("boom");
        Function<Flux<ProfileEvent>, Flux<byte[]>> step = Conversions.toCollapsed(CollapsedWriter.Layout.PLAIN);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        assertSame(boom, failure(() -> failingAfter(40, boom).transform(step).as(Conversions.writeTo(chunks)).block()));
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        assertSame(boom, failure(() -> failingAfter(40, boom).as(Conversions.writeTo(step, direct)).block()));
        String text = direct.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# austin: "), text);
        assertEquals(37, text.lines().filter(l -> l.startsWith("P")).count(), text); // 40 events: 3 metadata
        assertArrayEquals(chunks.toByteArray(), direct.toByteArray());
    }

    @Test
    void aSourceErrorWritesNoHalfDocument() {
        IOException boom = new IOException("boom");
        for (Function<Flux<ProfileEvent>, Flux<byte[]>> step : List.of(
                Conversions.toSpeedscope(SpeedscopeOptions.defaults().withName("x")))) {
            ByteArrayOutputStream direct = new ByteArrayOutputStream();
            assertSame(boom, failure(() -> failingAfter(40, boom).as(Conversions.writeTo(step, direct)).block()));
            assertEquals(0, direct.size());
        }
    }

    @Test
    void aFailingStreamEndsTheConversionWithItsError() {
        IOException full = new IOException("No space left on device");
        OutputStream disk = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 1000) {
                    throw full;
                }
            }
        };
        for (Function<Flux<ProfileEvent>, Flux<byte[]>> step : List.of(
                Conversions.toCollapsed(CollapsedWriter.Layout.AUSTIN), Conversions.toMojo(),
                Conversions.toSpeedscope(SpeedscopeOptions.defaults().withName("x")),
                Conversions.toPprof(PprofOptions.defaults()))) {
            assertSame(full, failure(() -> Run.profileEvents(INPUT, Compat.NONE)
                    .as(Conversions.writeTo(step, disk)).block()));
        }
    }

    @Test
    void aStepOfAnotherLibraryIsTransformedAndItsChunksWritten() {
        Function<Flux<ProfileEvent>, Flux<byte[]>> count = events -> events.count()
                .map(n -> (n + "\n").getBytes(StandardCharsets.US_ASCII)).flux();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Long n = Run.profileEvents(INPUT, Compat.NONE).as(Conversions.writeTo(count, out)).block();
        long events = Run.profileEvents(INPUT, Compat.NONE).count().block();
        assertEquals(events + "\n", out.toString(StandardCharsets.US_ASCII));
        assertEquals(out.size(), n);
    }
}
