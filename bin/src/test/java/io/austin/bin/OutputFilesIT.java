package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output files through the launchers: created with the caller's umask, and never written through a symbolic link of
 * another user or to another user's file (the {@code /tmp} attack on a profiler run as root).
 */
class OutputFilesIT {
    private static final int NOBODY = 65534;
    private static final String MOJO = "v3/two_threads.wall.py311.mojo";

    @TempDir
    Path tmp;

    @BeforeEach
    void jar() {
        assumeTrue(Files.isRegularFile(Paths.get("target/austin.jar")), "the shaded jar is built by 'package'");
    }

    private record Result(int status, String err) {
    }

    /** Runs a launcher of this module under {@code sh -c 'umask U; exec ...'}. */
    private static Result run(String umask, String tool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask " + umask + "; exec \"$0\" \"$@\"",
                Paths.get(tool).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("AUSTIN_JAVA_OPTS");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), tool + " finished");
        return new Result(p.exitValue(), err);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void outputsGetTheCallersUmask() throws Exception {
        Path in = Fixtures.root().resolve(MOJO);
        Result r = run("027", "mojo2austin", in.toString(), tmp.resolve("a.austin").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("rw-r-----", mode(tmp.resolve("a.austin")));
        r = run("022", "austin2pprof", in.toString(), tmp.resolve("a.pprof").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("rw-r--r--", mode(tmp.resolve("a.pprof")));
        Path out = tmp.resolve("run.austin");
        r = run("077", "austin", "-i", "1ms", "-o", out.toString(), Pythons.any().path().toString(), "-S", "-c",
                "import time; time.sleep(0.1)");
        assertEquals(0, r.status(), r.err());
        assertEquals("rw-------", mode(out));
    }

    /**
     * As root: a link owned by another user, or a link to another user's file, is refused with one line and the
     * tool's status, and the file it points to is left as it was; the user's own link to the user's own file works.
     */
    @Test
    void linksOfOtherUsersAreNotFollowed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing owners needs root");
        Path in = Fixtures.root().resolve(MOJO);
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me\n");
        Files.setAttribute(victim, "unix:uid", NOBODY);
        Path toVictim = Files.createSymbolicLink(tmp.resolve("to-victim.austin"), victim);
        Path own = Files.writeString(tmp.resolve("own.txt"), "mine\n");
        Path planted = Files.createSymbolicLink(tmp.resolve("planted.austin"), own);
        Files.setAttribute(planted, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);

        Result r = run("022", "mojo2austin", in.toString(), toVictim.toString());
        assertEquals(ExitCodes.CANNOT_CREATE_OUTPUT, r.status(), r.err());
        assertEquals("mojo2austin: cannot create output '" + toVictim + "': it is a symbolic link to a file of "
                + "another user (uid " + NOBODY + ")\n", r.err());
        r = run("022", "austin2speedscope", in.toString(), planted.toString());
        assertEquals(ExitCodes.CANNOT_CREATE_OUTPUT, r.status(), r.err());
        assertTrue(r.err().contains("it is a symbolic link owned by another user"), r.err());
        r = run("022", "austin", "-i", "1ms", "-o", toVictim.toString(), Pythons.any().path().toString(), "-S",
                "-c", "pass");
        assertEquals(255, r.status(), r.err());
        assertTrue(r.err().contains("cannot create the output file " + toVictim + ": it is a symbolic link to a "
                + "file of another user"), r.err());
        assertEquals("keep me\n", Files.readString(victim));
        assertEquals("mine\n", Files.readString(own));

        Path mine = Files.createSymbolicLink(tmp.resolve("mine.austin"), own);
        r = run("022", "mojo2austin", "--compat", in.toString(), mine.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isSymbolicLink(mine));
        assertTrue(Files.readString(own).startsWith("#"), "written through the user's own link");
    }
}
