package io.austin.converters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locates {@code ../shared/fixtures}: from the {@code austin.shared} property the build sets, or upwards. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixtures folder; fails loudly if it cannot be found (it is always beside the checkout). */
    public static Path root() {
        String prop = System.getProperty("austin.shared");
        if (prop != null && Files.isDirectory(Paths.get(prop, "fixtures"))) {
            return Paths.get(prop, "fixtures").toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/fixtures not found (set -Daustin.shared=...)");
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
