package io.austin.sampler.internal.linux;

import io.austin.sampler.internal.python.RuntimeLocator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unprivileged user is refused with PERMISSION (exit status 37) on every way into a root-owned process. */
class PermissionTest {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @Test
    void anUnprivilegedUserGetsPermissionDenied(@TempDir final Path dir) throws Exception {
        assumeTrue(Files.isExecutable(SETPRIV), "setpriv not installed");
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "not root");
        final Path classes = codeSource(RuntimeLocator.class);
        final Path testClasses = codeSource(PermissionProbe.class);
        // The child runs as nobody, who cannot read the local Maven repository: give it a copy of JNA.
        final Path jna = dir.resolve("jna.jar");
        Files.copy(codeSource(Native.class), jna);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(jna, PosixFilePermissions.fromString("rw-r--r--"));
        assumeTrue(worldReadable(classes) && worldReadable(testClasses), "build output not readable by others");
        final String java = ProcessHandle.current().info().command().orElse("java");

        try (Targets.Target target = Targets.spawn(List.of("/bin/sleep", "30"), false)) {
            final Process probe = new ProcessBuilder(SETPRIV.toString(), "--reuid=65534", "--regid=65534",
                    "--clear-groups", java, "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                    "-Djna.tmpdir=" + dir, "-cp", classes + ":" + testClasses + ":" + jna,
                    PermissionProbe.class.getName(), Integer.toString(target.pid()))
                    .redirectErrorStream(true).start();
            try {
                assumeTrue(probe.waitFor(60, TimeUnit.SECONDS), "probe JVM too slow");
                final String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, probe.exitValue(), out);
                assertEquals("maps=PERMISSION\nmemfile=PERMISSION\nvm=PERMISSION\nlocate=PERMISSION\n"
                        + "syscall=PERMISSION errno=1\n", out);
            } finally {
                probe.destroyForcibly();
            }
        }
    }

    private static Path codeSource(final Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Others may list the directory and pass through every directory above it. */
    private static boolean worldReadable(final Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            final String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            if (perms.charAt(8) != 'x' || p.equals(dir) && perms.charAt(6) != 'r') {
                return false;
            }
        }
        return true;
    }
}
