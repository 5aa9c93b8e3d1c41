package io.austin.sampler;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The CPython interpreters the tests know about. On a developer's machine an absent one makes its tests skip, with
 * a loud message on standard error; with {@code AUSTIN_PYTHONS=required} in the environment (CI sets it) an absent
 * one fails the tests instead, so a machine without the interpreters can never pass untested.
 */
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
            new Python("debian-3.11-static", Paths.get("/usr/bin/python3.11"), 3, 11),
            new Python("debian-sid-3.14-static", debian("3.14"), 3, 14));

    /**
     * A CPython newer than the sampler reads (Debian unstable's 3.15): not in {@link #ALL}, for the tests of its
     * refusal; required like the others under {@code AUSTIN_PYTHONS=required}.
     */
    public static final Python UNSUPPORTED = new Python("debian-sid-3.15-static", debian("3.15"), 3, 15);

    /** Whether every interpreter of {@link #ALL} must be installed ({@code AUSTIN_PYTHONS=required}). */
    public static final boolean REQUIRED = "required".equals(System.getenv("AUSTIN_PYTHONS"));

    private Pythons() {
    }

    /**
     * Debian unstable's 3.X (static, stripped), which {@code .ci/debian-python 3.X} unpacks with its glibc into a
     * folder of its own: {@code /opt/python3.X-sid} unless {@code AUSTIN_PYTHON3X} (say {@code AUSTIN_PYTHON314})
     * names the executable elsewhere.
     */
    private static Path debian(String version) {
        String path = System.getenv("AUSTIN_PYTHON" + version.replace(".", ""));
        return path != null && !path.isEmpty() ? Paths.get(path)
                : Paths.get("/opt/python" + version + "-sid", "usr", "bin", "python" + version);
    }

    private static Python pyenv(String version, int minor) {
        return new Python(version, Paths.get("/root/.pyenv/versions", version, "bin", "python3"), 3, minor);
    }

    /** One dynamic test per known interpreter; an absent one skips (fails when {@link #REQUIRED}). */
    public static Stream<DynamicTest> each(ThrowingConsumer<Python> body) {
        return ALL.stream().map(py -> DynamicTest.dynamicTest(py.label(), () -> {
            require(py);
            body.accept(py);
        }));
    }

    /** Skips the calling test when {@code py} is absent, or fails it when {@link #REQUIRED}. */
    public static void require(Python py) {
        if (py.present()) {
            return;
        }
        String message = "Python " + py.label() + " is not installed at " + py.path();
        if (REQUIRED) {
            fail(message + " and AUSTIN_PYTHONS=required");
        }
        System.err.println("WARNING: " + message + ": its tests are SKIPPED (untested on this machine)");
        assumeTrue(false, message);
    }

    /** The interpreter labelled {@code label} (a version such as {@code 3.12.1}), required as {@link #require}. */
    public static Python get(String label) {
        for (Python py : ALL) {
            if (py.label().equals(label)) {
                require(py);
                return py;
            }
        }
        throw new IllegalArgumentException("unknown interpreter " + label);
    }

    /** The first installed pyenv interpreter, newest-but-one first (3.11 has the broadest test coverage). */
    public static Python any() {
        for (String v : List.of("3.11.7", "3.12.1", "3.13.0", "3.10.13", "3.9.18", "3.8.18")) {
            for (Python py : ALL) {
                if (py.label().equals(v) && py.present()) {
                    return py;
                }
            }
        }
        return get("3.11.7");
    }

    /** A test target script of the project's {@code testdata/targets}, as a file path. */
    public static Path target(String name) {
        return io.austin.formats.Fixtures.target(name);
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
