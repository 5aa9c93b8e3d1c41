package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.collapsed.CollapsedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class StackEventsTest {
    private static final Path MOJO = Fixtures.root().resolve("v3/two_threads.wall.py311.mojo");
    private static final Path TEXT = Fixtures.root().resolve("text/cpu_recursion.wall.py311.txt");

    /** An input that records whether it was closed. */
    private static final class Tracked extends FilterInputStream {
        final AtomicBoolean closed = new AtomicBoolean();

        Tracked(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public void close() throws IOException {
            closed.set(true);
            super.close();
        }
    }

    @Test
    void detectsMojoAndText() {
        StepVerifier.create(StackEvents.read(MOJO).filter(e -> e instanceof StackHeader).count())
                .expectNext(153L).verifyComplete();
        StepVerifier.create(StackEvents.read(TEXT).filter(e -> e instanceof StackHeader).count())
                .expectNext(130L).verifyComplete();
    }

    @Test
    void honoursBackpressureOneEventAtATime() {
        StepVerifier.create(StackEvents.read(MOJO), 0)
                .expectSubscription()
                .expectNoEvent(java.time.Duration.ofMillis(20))
                .thenRequest(1)
                .expectNext(new Metadata("austin", "3.7.0"))
                .thenRequest(2)
                .expectNext(new Metadata("interval", "2000"), new Metadata("mode", "wall"))
                .thenCancel()
                .verify();
    }

    @Test
    void closesTheInputOnCompleteErrorAndCancel() {
        Tracked complete = new Tracked(Fixtures.bytes(MOJO));
        StepVerifier.create(StackEvents.read(() -> complete))
                .thenConsumeWhile(e -> true).verifyComplete();
        assertTrue(complete.closed.get());

        Tracked cancelled = new Tracked(Fixtures.bytes(MOJO));
        StepVerifier.create(StackEvents.read(() -> cancelled))
                .expectNextCount(5).thenCancel().verify();
        assertTrue(cancelled.closed.get());

        byte[] broken = java.util.Arrays.copyOf(Fixtures.bytes(MOJO), 200);
        Tracked failed = new Tracked(broken);
        StepVerifier.create(StackEvents.read(() -> failed))
                .thenConsumeWhile(e -> true)
                .expectErrorSatisfies(e -> assertTrue(e instanceof FormatException
                        && e.getMessage().contains("truncated MOJO"), e.toString()))
                .verify();
        assertTrue(failed.closed.get());
    }

    @Test
    void writeOperatorsReproduceTheFixtures() throws Exception {
        ByteArrayOutputStream mojo = new ByteArrayOutputStream();
        StepVerifier.create(StackEvents.read(MOJO).as(StackEvents.writeEvents(
                () -> new io.austin.formats.mojo.MojoEventWriter(mojo)))).verifyComplete();
        assertArrayEquals(Fixtures.bytes(MOJO), mojo.toByteArray());

        // Whole samples through the sample writer decode to the same text.
        ByteArrayOutputStream samples = new ByteArrayOutputStream();
        StepVerifier.create(StackEvents.profile(MOJO).as(StackEvents.writeMojo(samples))).verifyComplete();
        assertArrayEquals(Codecs.writeText(Codecs.readMojo(Fixtures.bytes(MOJO)), CollapsedWriter.Layout.PLAIN),
                Codecs.writeText(Codecs.readMojo(samples.toByteArray()), CollapsedWriter.Layout.PLAIN));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        StepVerifier.create(StackEvents.read(TEXT).transform(StackEvents.samples())
                .as(StackEvents.writeText(text, CollapsedWriter.Layout.AUSTIN)))
                .verifyComplete();
        assertArrayEquals(Fixtures.bytes(TEXT), text.toByteArray());
    }

    @Test
    void cancelledWriteStillFlushesWhatItHas() {
        AtomicBoolean closed = new AtomicBoolean();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = new FilterOutputStream(sink) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
        Flux<StackEvent> endless = Flux.concat(Flux.just(new Metadata("mode", "wall")),
                Flux.<StackEvent>just(new StackHeader(1, 0, "1"), new TimeMetric(5)).repeat());
        Flux<ProfileEvent> endlessSamples = endless.take(7).concatWith(Flux.never())
                .transform(StackEvents.samples());
        StepVerifier.create(endlessSamples.as(StackEvents.writeText(out,
                CollapsedWriter.Layout.PLAIN)))
                .expectSubscription()
                .thenAwait(java.time.Duration.ofMillis(10))
                .thenCancel()
                .verify();
        assertTrue(closed.get());
        assertEquals("# mode: wall\nP1;T0:1 5\nP1;T0:1 5\nP1;T0:1 5\n", sink.toString());
    }

    @Test
    void openDetectsEvenTinyInputs() throws Exception {
        InputStream empty = new ByteArrayInputStream(new byte[0]);
        try (StackEventReader r = StackEvents.open(empty)) {
            assertEquals(null, r.next());
        }
    }
}
