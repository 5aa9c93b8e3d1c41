package io.austin.converters.speedscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Conversions;
import io.austin.converters.internal.SpillStore;
import io.austin.formats.Compat;
import io.austin.formats.StackEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SpeedscopeWriterTest {

    private static Path fixture(String name) {
        return io.austin.formats.Fixtures.root().resolve(name);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SpeedscopeWriterTest.class.getResourceAsStream("/io/austin/converters/" + name)) {
            return in.readAllBytes();
        }
    }

    private static List<StackEvent> events(byte[] input, boolean compat) {
        return Conversions.readProfile(() -> new ByteArrayInputStream(input),
                compat ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE).collectList().block();
    }

    private static byte[] write(List<StackEvent> events, SpeedscopeOptions options, SpillStore store)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SpeedscopeWriter w = new SpeedscopeWriter(out, options, store)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    @Test
    void indentIsPythonsPrettyPrinter() throws Exception {
        List<StackEvent> events = events(Files.readAllBytes(fixture("synthetic/edge_wall.v3.austin")), true);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName("edge_wall.v3.austin");
        assertEquals(new String(resource("edge_wall.v3.indent2.json")),
                new String(write(events, opts.withIndent(2), new SpillStore())));
        assertEquals(new String(resource("edge_wall.v3.indent0.json")),
                new String(write(events, opts.withIndent(0), new SpillStore())));
    }

    @Test
    void nonAsciiAndControlCharactersAreEscapedAsPythonDoes() throws Exception {
        List<StackEvent> events = events(resource("unicode.txt"), true);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName("unicode.txt");
        assertEquals(new String(resource("unicode.txt.speedscope.json")),
                new String(write(events, opts, new SpillStore())));
    }

    @Test
    void spillingToDiskGivesTheSameDocument(@TempDir Path tmp) throws Exception {
        byte[] mojo = Files.readAllBytes(fixture("v3/two_threads.full.py39.mojo"));
        List<StackEvent> events = events(mojo, false);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults();
        byte[] inMemory = write(events, opts, new SpillStore());
        SpillStore tiny = new SpillStore(16, tmp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SpeedscopeWriter w = new SpeedscopeWriter(out, opts, tiny);
        for (StackEvent e : events) {
            w.write(e);
        }
        assertTrue(tiny.spilled());
        // Opened delete-on-close, which on Linux unlinks the file at once: nothing to leave behind, ever.
        assertEquals(0, count(tmp), "no visible temporary file");
        w.close();
        assertEquals(0, count(tmp));
        assertEquals(new String(inMemory), out.toString());
    }

    @Test
    void profilesAreSortedByThreadThenCreationOrder() {
        assertEquals("7:0:7", SpeedscopeWriter.lastToken("Wall time profile for 7:0:7"));
        assertTrue(SpeedscopeWriter.compareCodePoints("\uffff", "\ud83d\ude00") < 0, "code points, not UTF-16");
        assertTrue(SpeedscopeWriter.compareCodePoints("1:0:10", "1:0:9") < 0);
    }

    @Test
    void nothingIsEmittedBeforeTheEndAndCancelRemovesTheTemporaryFile(@TempDir Path tmp) throws Exception {
        byte[] mojo = Files.readAllBytes(fixture("v3/two_threads.wall.py311.mojo"));
        Flux<StackEvent> events = Conversions.readProfile(() -> new ByteArrayInputStream(mojo), Compat.NONE);
        StepVerifier.create(events.transform(Conversions.toSpeedscope(SpeedscopeOptions.defaults())), 0)
                .expectSubscription()
                .thenRequest(1)
                .assertNext(chunk -> assertTrue(new String(chunk).startsWith("{\"$schema\"")))
                .thenCancel()
                .verify();
        Flux<StackEvent> failing = events.concatWith(Flux.error(new IOException("boom")));
        StepVerifier.create(failing.transform(Conversions.toSpeedscope(SpeedscopeOptions.defaults())))
                .expectErrorMessage("boom")
                .verify();
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
