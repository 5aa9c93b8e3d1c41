package io.austin.formats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Locates the project's {@code testdata/} folder (recorded reference outputs and target scripts, see its README):
 * from the {@code austin.testdata} property the build sets, or upwards from the working directory. Nothing outside
 * the checkout is ever read.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The test-data folder; fails loudly if it cannot be found (it is part of the checkout). */
    public static Path root() {
        String prop = System.getProperty("austin.testdata");
        if (prop != null && isTestData(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (isTestData(candidate) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("testdata/ not found in the checkout (set -Daustin.testdata=...)");
    }

    private static boolean isTestData(Path dir) {
        return Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("v3"));
    }

    /** A Python target script of {@code testdata/targets}. */
    public static Path target(String name) {
        Path p = root().resolve("targets").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no target script " + p);
        }
        return p;
    }

    /** Files below {@code sub} whose names end with {@code suffix}, sorted. */
    public static List<Path> files(String sub, String suffix) {
        try (Stream<Path> s = Files.list(root().resolve(sub))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's bytes. */
    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
