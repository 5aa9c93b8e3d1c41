package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive, on a copy of the installed launcher and jar: made by the first start, mapped by
 * the next, replaced when the jar changes, put in the user's cache folder when the install folder is read-only, off
 * with {@code AUSTIN_CDS=0}. Runs on the JVM running the tests: AppCDS on 17, the ahead-of-time cache on 25.
 */
class ClassDataIT {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String MOJO = "v3/two_threads.wall.py311.mojo";

    @TempDir
    Path tmp;
    private Path install;

    private static final boolean AOT = Runtime.version().feature() >= 25;

    @BeforeEach
    void copyTheInstall() throws IOException {
        Path bin = Paths.get("").toAbsolutePath(); // failsafe runs in the module directory
        Path jar = bin.resolve("target/austin.jar");
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
        install = tmp.resolve("install");
        Files.createDirectories(install.resolve("target"));
        for (String tool : List.of("austin-tool", "mojo2austin", "austin")) {
            Files.copy(bin.resolve(tool), install.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.copy(jar, install.resolve("target/austin.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Path top = Path.of("/tmp");
        for (Path p = tmp; p != null && p.startsWith(top) && !p.equals(top); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private record Outcome(int code, String err) {
    }

    private Outcome convert(Path out, Map<String, String> env, List<String> prefix) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(install.resolve("mojo2austin").toString(), "--compat",
                Fixtures.root().resolve(MOJO).toString(), out.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("AUSTIN_JAVA_OPTS");
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "mojo2austin finished");
        Outcome o = new Outcome(p.exitValue(), new String(err, StandardCharsets.UTF_8));
        assertEquals(0, o.code(), o.err());
        assertEquals("", o.err(), "nothing on stderr, not even the JVM's archive messages");
        assertArrayEquals(Fixtures.bytes(Fixtures.root().resolve(MOJO.replace(".mojo", ".austin"))),
                Files.readAllBytes(out));
        return o;
    }

    private Outcome convert(Path out, Map<String, String> env) throws Exception {
        return convert(out, env, List.of());
    }

    private static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString()
                    .matches("austin-[0-9]+-[0-9]+-[0-9]+-[0-9]+-(sampler|convert)-(g1|serial)\\.(jsa|aot)"))
                    .sorted().toList();
        }
    }

    /**
     * The JVM's listing of an archive's classes (checked against the jar, with the launcher's options: the collector
     * the archive's name gives).
     */
    private String archived(Path archive) throws Exception {
        String gc = archive.getFileName().toString().contains("-g1.") ? "-XX:+UseG1GC" : "-XX:+UseSerialGC";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), gc, "-Xmx200m", "-Xss1m", "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of((AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive,
                "-XX:+PrintSharedArchiveAndExit", "-cp", install.resolve("target/austin.jar").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(listing.contains("archive is valid"), listing.substring(Math.max(0, listing.length() - 2000)));
        return listing;
    }

    /** Whether the run that wrote this class-loading log took the tool's classes from an archive. */
    private static boolean mapped(Path log) throws IOException {
        return Files.readAllLines(log).stream()
                .anyMatch(l -> l.contains("io.austin.bin.Main ") && l.contains("shared objects file"));
    }

    @Test
    void theFirstStartMakesTheArchiveAndTheNextMapsIt() throws Exception {
        assertEquals(List.of(), archives(install.resolve("target")));
        convert(tmp.resolve("a.austin"), Map.of());
        List<Path> made = archives(install.resolve("target"));
        assertEquals(1, made.size(), made.toString());
        assertTrue(made.get(0).toString().endsWith(AOT ? ".aot" : ".jsa"), made.toString());

        Path log = tmp.resolve("classes.log");
        convert(tmp.resolve("b.austin"), Map.of("AUSTIN_JAVA_OPTS", "-Xlog:class+load:file=" + log));
        assertTrue(mapped(log), "the tool's classes come from the archive");
        assertEquals(made, archives(install.resolve("target")), "no second archive");
    }

    /**
     * The sampler has an archive of its own, without the converters' libraries (a start has its whole archive
     * resident), made by its first start. austin adds JVM options of its own to the tools' common ones; the archive
     * must still be accepted. (On JDK 25 a module option that differs from the training run's makes the JVM refuse
     * the whole cache, silently since the launcher quiets the archive's log.) Its collector is the one with which the
     * archive brings the JDK's module graph already made: G1 on 17, the serial collector on 25.
     */
    @Test
    void austinMakesAndMapsTheSamplersOwnArchive() throws Exception {
        convert(tmp.resolve("a.austin"), Map.of());
        Path log = tmp.resolve("austin-classes.log");
        Path archiveLog = tmp.resolve("austin-archive.log");
        ProcessBuilder pb = new ProcessBuilder(install.resolve("austin").toString(), "-V");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().put("AUSTIN_JAVA_OPTS", "-Xlog:class+load:file=" + log + " -Xlog:" + (AOT ? "aot" : "cds")
                + ":file=" + archiveLog);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "austin -V finished");
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.startsWith("austin "), out);
        assertEquals("", err);
        assertTrue(mapped(log), "austin's classes come from the archive");
        if (!AOT) {
            // The launcher names the main class (no 'java -jar' reading the manifest) and the version is compiled
            // in: nothing opens the jar. (Java 25's cache loads the classes its training used up front, whatever
            // this run uses, so the check is Java 17's.)
            assertFalse(Files.readString(log).contains("java.util.zip.ZipFile$Source "), "the jar was opened");
        }
        assertTrue(Files.readString(archiveLog).contains("full module graph: enabled"),
                "and the module graph too: " + Files.readString(archiveLog));
        List<Path> made = archives(install.resolve("target"));
        assertEquals(2, made.size(), made.toString());
        Path samplerArchive = made.stream().filter(a -> a.toString().contains("-sampler-")).findFirst().orElseThrow();
        assertTrue(samplerArchive.getFileName().toString().contains(AOT ? "-sampler-serial." : "-sampler-g1."),
                samplerArchive.toString());
        String sampler = archived(samplerArchive);
        String converters = archived(made.stream().filter(a -> a.toString().contains("-convert-serial."))
                .findFirst().orElseThrow());
        assertTrue(sampler.contains("io.austin.sampler.internal.SamplingRun"), "the sampler's classes");
        assertFalse(sampler.contains("com.fasterxml.jackson") || sampler.contains("com.google.protobuf"),
                "none of the converters' libraries in the sampler's archive");
        assertTrue(converters.contains("com.fasterxml.jackson.core"), "the converters' classes");
        assertFalse(converters.contains("io.austin.sampler.internal.SamplingRun"), "and not the sampler's");
        // JNA's native part was unpacked once beside the archive, and a run loads it from there.
        Path jna = Path.of(samplerArchive + ".jna");
        assertTrue(Files.isRegularFile(jna.resolve("libjnidispatch.so")), jna.toString());
        Path target = Files.writeString(tmp.resolve("t.py"), "import time\ntime.sleep(1.5)\n");
        Path maps = tmp.resolve("maps.txt");
        Process python = new ProcessBuilder(io.austin.sampler.Pythons.any().path().toString(), "-S", target.toString())
                .start();
        try {
            ProcessBuilder attach = new ProcessBuilder(install.resolve("austin").toString(), "-x", "1", "-o",
                    tmp.resolve("out.austin").toString(), "-p", String.valueOf(python.pid()));
            attach.environment().put("JAVA_HOME", System.getProperty("java.home"));
            attach.environment().remove("AUSTIN_JAVA_OPTS");
            attach.redirectErrorStream(true).redirectOutput(tmp.resolve("attach.log").toFile());
            Process a = attach.start();
            String mapped = "";
            long until = System.nanoTime() + 20_000_000_000L;
            while (a.isAlive() && !mapped.contains("libjnidispatch") && System.nanoTime() < until) {
                try {
                    mapped = Files.readString(Path.of("/proc/" + a.pid() + "/maps"));
                } catch (IOException gone) {
                    break;
                }
                Thread.sleep(20);
            }
            Files.writeString(maps, mapped);
            assertTrue(a.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, a.exitValue(), Files.readString(tmp.resolve("attach.log")));
            assertTrue(mapped.contains(jna.resolve("libjnidispatch.so").toString()),
                    "JNA's native part comes from " + jna + ", not a fresh temporary copy; maps in " + maps);
        } finally {
            python.destroy();
        }
    }

    @Test
    void aChangedJarGetsItsOwnArchiveAndTheStaleOneGoes() throws Exception {
        convert(tmp.resolve("a.austin"), Map.of());
        List<Path> first = archives(install.resolve("target"));
        assertEquals(1, first.size(), first.toString());
        Path jar = install.resolve("target/austin.jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));

        Path log = tmp.resolve("classes.log");
        convert(tmp.resolve("b.austin"), Map.of("AUSTIN_JAVA_OPTS", "-Xlog:class+load:file=" + log));
        List<Path> second = archives(install.resolve("target"));
        assertEquals(1, second.size(), second.toString());
        assertNotEquals(first, second);
        assertFalse(Files.exists(first.get(0)), "the stale archive is removed");
        assertFalse(Files.exists(Path.of(first.get(0) + ".jna")), "and its copy of JNA's native part");
        assertTrue(Files.isRegularFile(Path.of(second.get(0) + ".jna/libjnidispatch.so")), "the new one has its own");
        assertTrue(mapped(log), "the new jar's classes come from the new archive");
    }

    @Test
    void aReadOnlyInstallKeepsItsArchiveInTheUsersCacheFolder() throws Exception {
        assumeTrue(Files.isExecutable(SETPRIV), "setpriv not installed");
        assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "not root");
        // The install stays root's (rwxr-xr-x); the tool runs as nobody, whose cache folder and output are its own.
        Path home = Files.createDirectory(tmp.resolve("home"));
        Path out = Files.createDirectory(tmp.resolve("out"));
        for (Path p : List.of(home, out)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        List<String> asNobody = List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups");
        convert(out.resolve("a.austin"), Map.of("HOME", home.toString()), asNobody);
        assertEquals(List.of(), archives(install.resolve("target")), "nothing written into the install");
        List<Path> cached = archives(home.resolve(".cache/austin-jvm"));
        assertEquals(1, cached.size(), cached.toString());

        Path log = out.resolve("classes.log");
        convert(out.resolve("b.austin"), Map.of("HOME", home.toString(), "AUSTIN_JAVA_OPTS",
                "-Xlog:class+load:file=" + log), asNobody);
        assertTrue(mapped(log), "the cached archive is mapped");
    }

    @Test
    void austinCdsZeroRunsWithoutAnArchive() throws Exception {
        Path log = tmp.resolve("classes.log");
        convert(tmp.resolve("a.austin"), Map.of("AUSTIN_CDS", "0", "AUSTIN_JAVA_OPTS",
                "-Xlog:class+load:file=" + log));
        assertEquals(List.of(), archives(install.resolve("target")));
        assertFalse(mapped(log));
    }
}
