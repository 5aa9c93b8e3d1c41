package io.austin.bin;

import io.austin.formats.Fixtures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher scripts next to bin/pom.xml, run end to end on the shaded jar that 'package' built. */
class LauncherIT {
    @TempDir
    Path tmp;

    private static Path bin() {
        return Paths.get("").toAbsolutePath(); // failsafe runs in the module directory
    }

    private record Outcome(int code, String err) {
    }

    private Outcome launch(String tool, String... args) throws Exception {
        Path jar = bin().resolve("target/austin.jar");
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
        List<String> command = new java.util.ArrayList<>(List.of(bin().resolve(tool).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // The JVM running the tests runs the tools too (Temurin 25 in the second CI pass).
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), tool + " finished");
        return new Outcome(p.exitValue(), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void launchersConvertAFixture() throws Exception {
        Path fixtures = Fixtures.root();
        Path text = tmp.resolve("two_threads.wall.py311.austin");
        Outcome m = launch("mojo2austin", "--compat", fixtures.resolve("v3/two_threads.wall.py311.mojo").toString(),
                text.toString());
        assertEquals(0, m.code(), m.err());
        assertEquals("", m.err(), "nothing on stderr, not even JVM warnings");
        assertArrayEquals(Fixtures.bytes(fixtures.resolve("v3/two_threads.wall.py311.austin")),
                Files.readAllBytes(text));

        Path json = tmp.resolve("out.json");
        Outcome s = launch("austin2speedscope", "--compat", text.toString(), json.toString());
        assertEquals(0, s.code(), s.err());
        assertArrayEquals(Fixtures.bytes(fixtures.resolve("v3/two_threads.wall.py311.speedscope.json")),
                Files.readAllBytes(json));

        Path pprof = tmp.resolve("out.pprof");
        Outcome p = launch("austin2pprof", "--compat", text.toString(), pprof.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals("", p.err(), "protobuf's Unsafe use must not warn on new JVMs");
        assertArrayEquals(Fixtures.bytes(fixtures.resolve("v3/two_threads.wall.py311.pprof")),
                Files.readAllBytes(pprof));
    }

    @Test
    void launcherReportsErrorsInOneLine() throws Exception {
        Outcome o = launch("austin2pprof", tmp.resolve("missing.mojo").toString(), tmp.resolve("x").toString());
        assertEquals(ExitCodes.NO_INPUT, o.code());
        assertEquals("austin2pprof: no such input file: " + tmp.resolve("missing.mojo") + "\n", o.err());
    }

    @Test
    void launchersAreExecutable() throws IOException {
        for (String tool : List.of("austin-tool", "austin", "austin4/austin", "mojo2austin", "austin2speedscope",
                "austin2pprof", "austin2html", "austin-top")) {
            assertTrue(Files.isExecutable(bin().resolve(tool)), tool);
        }
    }
}
