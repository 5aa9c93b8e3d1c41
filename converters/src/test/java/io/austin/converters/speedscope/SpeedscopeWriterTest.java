package io.austin.converters.speedscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Conversions;
import io.austin.converters.internal.SpillStore;
import io.austin.formats.Compat;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
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

    private static List<ProfileEvent> events(byte[] input, boolean compat) {
        return Conversions.readProfile(() -> new ByteArrayInputStream(input),
                compat ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE).collectList().block();
    }

    private static byte[] write(List<ProfileEvent> events, SpeedscopeOptions options, SpillStore store)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SpeedscopeWriter w = new SpeedscopeWriter(out, options, store)) {
            for (ProfileEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    @Test
    void indentIsPythonsPrettyPrinter() throws Exception {
        List<ProfileEvent> events = events(Files.readAllBytes(fixture("synthetic/edge_wall.v3.austin")), true);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName("edge_wall.v3.austin");
        assertEquals(new String(resource("edge_wall.v3.indent2.json")),
                new String(write(events, opts.withIndent(2), new SpillStore())));
        assertEquals(new String(resource("edge_wall.v3.indent0.json")),
                new String(write(events, opts.withIndent(0), new SpillStore())));
    }

    @Test
    void nonAsciiAndControlCharactersAreEscapedAsPythonDoes() throws Exception {
        List<ProfileEvent> events = events(resource("unicode.txt"), true);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName("unicode.txt");
        assertEquals(new String(resource("unicode.txt.speedscope.json")),
                new String(write(events, opts, new SpillStore())));
    }

    @Test
    void spillingToDiskGivesTheSameDocument(@TempDir Path tmp) throws Exception {
        byte[] mojo = Files.readAllBytes(fixture("v3/two_threads.full.py39.mojo"));
        List<ProfileEvent> events = events(mojo, false);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults();
        byte[] inMemory = write(events, opts, new SpillStore());
        SpillStore tiny = new SpillStore(16, tmp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SpeedscopeWriter w = new SpeedscopeWriter(out, opts, tiny);
        for (ProfileEvent e : events) {
            w.write(e);
        }
        assertTrue(tiny.spilled());
        // Opened delete-on-close, which on Linux unlinks the file at once: nothing to leave behind, ever.
        assertEquals(0, count(tmp), "no visible temporary file");
        w.close();
        assertEquals(0, count(tmp));
        assertEquals(new String(inMemory), out.toString());
    }

    /** Python sorts the profiles by the name's last token (the thread), stably: kinds stay in creation order. */
    @Test
    void profilesAreSortedByThreadThenCreationOrder() throws Exception {
        List<ProfileEvent> events = List.of(new Metadata("mode", "full"),
                sample(new ThreadKey(1, 0, "a"), 10, 5),      // 1:0:10, created first
                sample(new ThreadKey(1, 0, "9"), 10, -5),     // 1:0:9
                sample(new ThreadKey(1, 0, "2"), 10, 5));     // 1:0:2
        String json = new String(write(events, SpeedscopeOptions.defaults(), new SpillStore()));
        List<String> names = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"name\": \"([^\"]*profile for [^\"]*)\"")
                .matcher(json);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertEquals(List.of(
                "CPU time profile for 1:0:10", "Wall time profile for 1:0:10", "Memory allocation profile for 1:0:10",
                "CPU time profile for 1:0:2", "Wall time profile for 1:0:2", "Memory allocation profile for 1:0:2",
                "CPU time profile for 1:0:9", "Wall time profile for 1:0:9", "Memory deallocation profile for 1:0:9"),
                names);
        assertEquals("7:0:7", SpeedscopeWriter.lastToken("Wall time profile for 7:0:7"));
        assertTrue(SpeedscopeWriter.compareCodePoints("\uffff", "\ud83d\ude00") < 0, "code points, not UTF-16");
    }

    private static Sample sample(ThreadKey thread, long time, long memory) {
        return new Sample(thread, List.of(FrameRef.of(Frame.of("a.py", "f", 1))), Sample.TIME | Sample.MEMORY, time,
                memory);
    }

    /** The spill files this JVM holds open (unlinked at once, so only /proc/self/fd shows them). */
    private static long openSpillFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("austin-convert-");
                } catch (IOException e) {
                    return false; // the directory's own descriptor, or one closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void nothingIsEmittedBeforeTheEndAndCancelReleasesTheTemporaryFile() throws Exception {
        // Enough samples in one profile to spill its 16 KiB block, then a source that never completes.
        ThreadKey thread = new ThreadKey(1, 0, "1");
        List<FrameRef> frames = List.of(FrameRef.of(Frame.of("a.py", "f", 1)));
        Flux<ProfileEvent> endless = Flux.<ProfileEvent>just(new Metadata("mode", "wall"))
                .concatWith(Flux.range(1, 20_000).map(i -> Sample.timed(thread, frames, 0, 1_000_000 + i)))
                .concatWith(Flux.never());
        long before = openSpillFiles();
        StepVerifier.create(endless.transform(Conversions.toSpeedscope(SpeedscopeOptions.defaults())), 0)
                .expectSubscription()
                .thenRequest(1)
                .expectNoEvent(java.time.Duration.ofMillis(200))
                .then(() -> assertEquals(before + 1, rethrow(SpeedscopeWriterTest::openSpillFiles),
                        "the samples were spilled to a temporary file"))
                .thenCancel()
                .verify();
        assertEquals(before, openSpillFiles(), "cancel closed (and so removed) the temporary file");

        byte[] mojo = Files.readAllBytes(fixture("v3/two_threads.wall.py311.mojo"));
        Flux<ProfileEvent> failing = Conversions.readProfile(() -> new ByteArrayInputStream(mojo), Compat.NONE)
                .concatWith(Flux.error(new IOException("boom")));
        StepVerifier.create(failing.transform(Conversions.toSpeedscope(SpeedscopeOptions.defaults())))
                .expectErrorMessage("boom")
                .verify();
    }

    private interface IoSupplier {
        long get() throws IOException;
    }

    private static long rethrow(IoSupplier s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
