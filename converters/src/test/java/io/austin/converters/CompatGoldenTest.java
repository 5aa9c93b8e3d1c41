package io.austin.converters;

import io.austin.formats.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.Compat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With compat, every converter output of austin-python 1.7.1 in the project's testdata/ is reproduced: from the text it
 * was made from, and (speedscope, pprof) straight from the MOJO file through the emulated reference pipeline.
 */
class CompatGoldenTest {

    static Stream<Path> mojoFixtures() {
        List<Path> all = new ArrayList<>(Fixtures.files("v3", ".mojo"));
        all.addAll(Fixtures.files("synthetic", ".mojo"));
        assertTrue(all.size() >= 33, "expected the v3 and synthetic MOJO fixtures, found " + all.size());
        return all.stream();
    }

    /** The Austin text outputs that have converter companions. */
    static Stream<Path> textWithCompanions() {
        List<Path> all = new ArrayList<>();
        for (Path p : Fixtures.files("text", ".txt")) {
            if (Files.exists(sibling(p, ".speedscope.json"))) {
                all.add(p);
            }
        }
        assertEquals(5, all.size());
        return all.stream();
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    private static Path companion(Path mojo, String ext) {
        String name = mojo.getFileName().toString();
        return mojo.resolveSibling(name.substring(0, name.length() - ".mojo".length()) + ext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void mojo2austin(Path mojo) {
        Run.assertBytes(Fixtures.bytes(companion(mojo, ".austin")), Run.collapsed(Fixtures.bytes(mojo), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void austin2speedscopeOfTheText(Path mojo) {
        Path austin = companion(mojo, ".austin");
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName(austin.getFileName() + "");
        Run.assertBytes(Fixtures.bytes(companion(mojo, ".speedscope.json")),
                Run.speedscope(Fixtures.bytes(austin), opts));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void austin2speedscopeStraightFromMojo(Path mojo) {
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true)
                .withName(companion(mojo, ".austin").getFileName() + "");
        Run.assertBytes(Fixtures.bytes(companion(mojo, ".speedscope.json")),
                Run.speedscope(Fixtures.bytes(mojo), opts));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void austin2pprofOfTheText(Path mojo) throws Exception {
        assertPprof(Fixtures.bytes(companion(mojo, ".pprof")),
                Run.pprof(Fixtures.bytes(companion(mojo, ".austin")), PprofOptions.defaults().withCompat(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mojoFixtures")
    void austin2pprofStraightFromMojo(Path mojo) throws Exception {
        assertPprof(Fixtures.bytes(companion(mojo, ".pprof")),
                Run.pprof(Fixtures.bytes(mojo), PprofOptions.defaults().withCompat(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textWithCompanions")
    void convertersOnAustinsOwnText(Path text) throws Exception {
        byte[] in = Fixtures.bytes(text);
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(true).withName(text.getFileName() + "");
        Run.assertBytes(Fixtures.bytes(sibling(text, ".speedscope.json")), Run.speedscope(in, opts));
        assertPprof(Fixtures.bytes(sibling(text, ".pprof")), Run.pprof(in, PprofOptions.defaults().withCompat(true)));
    }

    /** The austin-python 2.2.0 companions in v4/: the only real MOJO v4 file, and 2.2.0 text of two v3 files. */
    @Test
    void austinPython22Companions() throws Exception {
        Path v4 = Fixtures.root().resolve("v4");
        byte[] mojo = Fixtures.bytes(v4.resolve("repeat.mojo"));
        byte[] text = Fixtures.bytes(v4.resolve("repeat.austin"));
        Run.assertBytes(text, Run.collapsed(mojo, Compat.AUSTIN_PYTHON_2_2));
        SpeedscopeOptions opts = SpeedscopeOptions.defaults().withCompat(Compat.AUSTIN_PYTHON_2_2)
                .withName("repeat.austin");
        byte[] json = Fixtures.bytes(v4.resolve("repeat.speedscope.json"));
        Run.assertBytes(json, Run.speedscope(text, opts));
        Run.assertBytes(json, Run.speedscope(mojo, opts));
        PprofOptions pprof = PprofOptions.defaults().withCompat(Compat.AUSTIN_PYTHON_2_2);
        assertPprof(Fixtures.bytes(v4.resolve("repeat.pprof")), Run.pprof(text, pprof));
        assertPprof(Fixtures.bytes(v4.resolve("repeat.pprof")), Run.pprof(mojo, pprof));
        for (String name : List.of("two_threads.full.py311", "mem_alloc.memory.py313")) {
            Run.assertBytes(Fixtures.bytes(v4.resolve(name + ".head.austin")),
                    Run.collapsed(Fixtures.bytes(Fixtures.root().resolve("v3/" + name + ".mojo")),
                            Compat.AUSTIN_PYTHON_2_2));
        }
    }

    /** Decoded and compared field by field (the clearer failure), then byte for byte. */
    static void assertPprof(byte[] expected, byte[] actual) throws Exception {
        assertEquals(Profile.parseFrom(expected), Profile.parseFrom(actual));
        Run.assertBytes(expected, actual);
    }
}
