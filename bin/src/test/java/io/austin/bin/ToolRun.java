package io.austin.bin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;

/** One of the tools run in this JVM through {@link Cli#run}, with nothing on standard input: its status and output. */
record ToolRun(int status, String out, String err) {

    static ToolRun of(String tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(tool, new Cli.Streams(new ByteArrayInputStream(new byte[0]), out, err), args);
        return new ToolRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * No process runs with {@code mark} in its command line within five seconds: the program a run started is gone
     * (reaping it may lag a little behind the tool's return).
     */
    static void assertNoProcessRuns(String mark) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            boolean found;
            try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
                found = all.anyMatch(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains(mark))
                        .orElse(false));
            }
            if (!found) {
                return;
            }
            Assertions.assertTrue(System.nanoTime() < deadline, "the started program still runs: " + mark);
            Thread.sleep(20);
        }
    }
}
