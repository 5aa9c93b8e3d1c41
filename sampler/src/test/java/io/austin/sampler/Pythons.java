package io.austin.sampler;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/** The CPython interpreters the tests know about; absent ones make their tests skip, never fail. */
public final class Pythons {
    /** One interpreter. */
    public record Python(String label, Path path, int major, int minor) {
        public boolean present() {
            return Files.isExecutable(path);
        }

        /** Whether names are qualified (co_qualname, 3.11+). */
        public boolean qualified() {
            return minor >= 11;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    public static final List<Python> ALL = List.of(
            pyenv("3.8.18", 8), pyenv("3.9.18", 9), pyenv("3.10.13", 10), pyenv("3.11.7", 11),
            pyenv("3.12.1", 12), pyenv("3.13.0", 13),
            new Python("debian-3.11-static", Paths.get("/usr/bin/python3.11"), 3, 11));

    private Pythons() {
    }

    private static Python pyenv(String version, int minor) {
        return new Python(version, Paths.get("/root/.pyenv/versions", version, "bin", "python3"), 3, minor);
    }

    /** One dynamic test per known interpreter, skipped where it is not installed. */
    public static Stream<DynamicTest> each(ThrowingConsumer<Python> body) {
        return ALL.stream().map(py -> DynamicTest.dynamicTest(py.label(), () -> {
            assumeTrue(py.present(), py.path() + " is not installed");
            body.accept(py);
        }));
    }

    /** A test target script from the test resources, as a file path. */
    public static Path target(String name) {
        try {
            return Paths.get(Pythons.class.getResource("/targets/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The line of the first {@code # @marker} in a target. */
    public static int line(String target, String marker) {
        try {
            List<String> lines = Files.readAllLines(target(target));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).endsWith("# @" + marker)) {
                    return i + 1;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no marker @" + marker + " in " + target);
    }
}
