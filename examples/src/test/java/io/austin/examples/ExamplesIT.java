package io.austin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples run as documented, on a real interpreter. */
class ExamplesIT {
    @TempDir
    Path tmp;

    private static Path python() {
        return io.austin.sampler.Pythons.any().path();
    }

    @Test
    void profileToSpeedscopeWritesAProfileOfFib() throws Exception {
        Path out = tmp.resolve("fib.json");
        ProfileToSpeedscope.main(new String[] {out.toString(), python().toString(), "-S", Paths.get("python/fib.py").toAbsolutePath().toString()});
        String json = Files.readString(out);
        assertTrue(json.startsWith("{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\""), json);
        int i = json.indexOf("\"fib\"");
        String file = Paths.get("python/fib.py").toAbsolutePath().toString();
        assertTrue(json.contains("\"name\": \"fib\", \"file\": \"" + file + "\""),
                i < 0 ? "no fib frame" : json.substring(Math.max(0, i - 100), Math.min(json.length(), i + 100)));
        assertTrue(json.contains("\"name\": \"napper\""), "the second thread is profiled too");
    }
}
