package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real CPython newer than the sampler reads (Debian unstable's 3.15): every command refuses it with one line
 * naming the version and the supported range and the documented status (3; Austin 4's 10), started or attached to,
 * and leaves nothing behind: a started program is ended, an attached one runs on untouched.
 */
class UnsupportedVersionIT {
    private static final String MARK = "unsupported-version-it";

    @TempDir
    Path tmp;

    private static Path python() {
        Pythons.require(Pythons.UNSUPPORTED);
        return Pythons.UNSUPPORTED.path();
    }

    /** The one line every command prints: the version the process runs and the range that is read. */
    private static void assertRefusal(ToolRun r, int status) {
        assertEquals(status, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains("runs Python 3.15."), r.err());
        assertTrue(lines[0].contains("the supported versions are CPython 3.8 to 3.14"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aStartedProgramIsRefusedAndEnded() throws Exception {
        Path output = tmp.resolve("out.austin");
        ToolRun r = ToolRun.of("austin", "-i", "1ms", "-o", output.toString(), python().toString(), "-S", "-c",
                "import time; time.sleep(30) # " + MARK + "-austin");
        assertRefusal(r, 3);
        ToolRun.assertNoProcessRuns(MARK + "-austin");

        ToolRun mojo = ToolRun.of("austin4", "-i", "1ms", "-o", tmp.resolve("out.mojo").toString(),
                python().toString(), "-S", "-c", "import time; time.sleep(30) # " + MARK + "-austin4");
        assertRefusal(mojo, 10);
        ToolRun.assertNoProcessRuns(MARK + "-austin4");
    }

    @Test
    void anAttachedProgramIsRefusedAndLeftRunning() throws Exception {
        Process target = new ProcessBuilder(python().toString(), "-S", "-c",
                "import sys, time; print('ready', flush=True); time.sleep(60) # " + MARK + "-attach")
                .redirectErrorStream(true).start();
        try {
            assertEquals("ready", new String(target.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            String pid = Long.toString(target.pid());
            assertRefusal(ToolRun.of("austin", "-i", "1ms", "-o", tmp.resolve("p.austin").toString(), "-p", pid),
                    3);
            assertRefusal(ToolRun.of("austin", "-w", pid), 3);
            assertRefusal(ToolRun.of("austin4", "-i", "1ms", "-o", tmp.resolve("p.mojo").toString(), "-p", pid),
                    10);
            assertTrue(target.isAlive(), "the attached program runs on");
        } finally {
            target.destroyForcibly();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
