package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool's exit makes the native binding (tens of milliseconds, on the exiting thread) only for what still needs it:
 * a log message waiting to be sent, not a run's signal trap that has been closed. Before the trap let go of its wait,
 * every short run of austin ended 17-34 ms later for it, with no log listening.
 */
class ExitWaitTest {
    @Test
    void onlyAWaitingMessageMakesTheBindingAtExit(@TempDir final Path dir) throws Exception {
        final Path socket = Files.createFile(dir.resolve("log")); // exists: the message waits to be sent
        final String java = ProcessHandle.current().info().command().orElse("java");
        final String classpath = codeSource(Signals.class) + ":" + codeSource(ExitWaitProbe.class) + ":"
                + codeSource(Native.class);
        final Process probe = new ProcessBuilder(java, "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-Djna.tmpdir=" + dir, "-cp", classpath, ExitWaitProbe.class.getName(), socket.toString())
                .redirectErrorStream(true).start();
        try {
            assumeTrue(probe.waitFor(60, TimeUnit.SECONDS), "probe JVM too slow");
            final String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, probe.exitValue(), out);
            assertEquals("after a closed trap: bound at exit=false\nafter a waiting message: bound at exit=true\n", out);
        } finally {
            probe.destroyForcibly();
        }
    }

    private static Path codeSource(final Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
