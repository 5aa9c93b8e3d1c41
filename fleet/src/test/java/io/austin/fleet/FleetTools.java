package io.austin.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The fleet's launchers in {@code bin/}, run as users run them: with the test JVM's Java, their output to a log. */
public final class FleetTools {
    /** The launchers' folder. */
    public static final Path BIN = Paths.get("..", "bin").toAbsolutePath().normalize();

    private FleetTools() {
    }

    /** Whether the fleet jar the launchers run is built ('package'). */
    public static boolean built() {
        return Files.isRegularFile(Paths.get("target/austin-fleet.jar"));
    }

    /** The launcher of {@code tool}, as a path. */
    public static String tool(String tool) {
        return BIN.resolve(tool).toString();
    }

    /** Starts {@code command} (a launcher, or any program) with the test JVM's Java, its output to {@code log}. */
    public static Process start(Path log, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }
}
