package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import io.austin.sampler.SystemLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging as Austin does it: to syslog (ident austin, facility LOCAL1, with the pid), nothing with
 * AUSTIN_NO_LOGGING, never on standard output, never blocking when the log does not read. The machines this runs
 * on have no {@code /dev/log}: a listener bound to a temporary socket stands in for it.
 */
class LoggingIT {
    @TempDir
    Path tmp;

    private Process listener(Path socket, Path out, boolean deaf) throws Exception {
        Process p = new ProcessBuilder(Pythons.any().path().toString(), "-S",
                Fixtures.target("syslog_listener.py").toString(), socket.toString(), out.toString(),
                deaf ? "deaf" : "live").redirectErrorStream(true).start();
        assertTrue(new String(p.getInputStream().readNBytes(5), StandardCharsets.UTF_8).startsWith("ready"));
        return p;
    }

    private static String await(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(file) ? Files.readString(file) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(20);
        }
        return content;
    }

    @Test
    void startAndErrorsGoToTheLogNotToStandardOutput() throws Exception {
        Path socket = tmp.resolve("log");
        Path received = tmp.resolve("received.txt");
        Process log = listener(socket, received, false);
        String previous = System.getProperty("austin.log.socket");
        System.setProperty("austin.log.socket", socket.toString());
        try {
            Path profile = tmp.resolve("p.austin");
            ToolRun run = ToolRun.of("austin", "-f", "-m", "-i", "1ms", "-o", profile.toString(),
                    Pythons.any().path().toString(), "-S", "-c", "import time; time.sleep(0.2)");
            assertEquals(0, run.status(), run.err());
            assertEquals("", run.out(), "nothing on standard output");
            String pid = Long.toString(ProcessHandle.current().pid());
            String text = await(received, "Sampling ended");
            assertTrue(text.contains("<142>") && text.contains(" austin[" + pid + "]: Sampling interval: 1000 \u03bcs"),
                    "info at LOCAL1 with ident and pid: " + text);
            assertTrue(text.contains("<142>") && text.contains("Output file: " + profile), text);
            assertTrue(text.contains("<140>") && text.contains("The memory switch is redundant in full mode"), text);
            assertTrue(text.contains("Python version"), text);

            assertEquals(36, ToolRun.of("austin", "-p", "9999999").status());
            text = await(received, "Cannot attach");
            assertTrue(text.lines().anyMatch(l -> l.startsWith("<139>") && l.contains("Cannot attach to the given "
                    + "process")), "errors at LOG_ERR: " + text);
        } finally {
            if (previous == null) {
                System.clearProperty("austin.log.socket");
            } else {
                System.setProperty("austin.log.socket", previous);
            }
            log.destroyForcibly().waitFor();
        }
    }

    @Test
    void aLogThatDoesNotReadNeverBlocks() throws Exception {
        Path socket = tmp.resolve("deaf");
        Process log = listener(socket, tmp.resolve("never.txt"), true);
        String previous = System.getProperty("austin.log.socket");
        System.setProperty("austin.log.socket", socket.toString());
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                SystemLog.info("message " + i + " to a log that never reads");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5_000, "20,000 messages to a full log took " + ms + " ms: they must be dropped, not wait");
        } finally {
            if (previous == null) {
                System.clearProperty("austin.log.socket");
            } else {
                System.setProperty("austin.log.socket", previous);
            }
            log.destroyForcibly().waitFor();
        }
    }

    @Test
    void noLoggingWithAustinNoLogging() throws Exception {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
        Path socket = tmp.resolve("log2");
        Path received = tmp.resolve("received2.txt");
        Process log = listener(socket, received, false);
        try {
            for (String setting : List.of("1", "")) {
                ProcessBuilder pb = new ProcessBuilder(Paths.get("austin").toAbsolutePath().toString(), "-i", "1ms",
                        "-o", tmp.resolve("q.austin").toString(), Pythons.any().path().toString(), "-S", "-c",
                        "import time; time.sleep(0.1)").redirectErrorStream(true).redirectOutput(tmp.resolve("austin.log").toFile());
                pb.environment().put("AUSTIN_NO_LOGGING", setting);
                pb.environment().put("AUSTIN_JAVA_OPTS", "-Daustin.log.socket=" + socket);
                Process austin = pb.start();
                assertTrue(austin.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, austin.exitValue(), Files.readString(tmp.resolve("austin.log")));
                Thread.sleep(300);
                String text = Files.exists(received) ? Files.readString(received) : "";
                if (setting.isEmpty()) {
                    assertTrue(await(received, "austin[" + austin.pid() + "]").contains("austin[" + austin.pid()
                            + "]"), "an empty AUSTIN_NO_LOGGING does not disable logging: " + text);
                } else {
                    assertTrue(text.isEmpty(), "AUSTIN_NO_LOGGING=1 logs nothing: " + text);
                }
            }
        } finally {
            log.destroyForcibly().waitFor();
        }
    }
}
