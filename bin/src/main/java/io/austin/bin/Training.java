package io.austin.bin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The training run of a class-data archive (hidden tool {@code train}, which the launcher runs with the JVM option
 * that records what it loads): it does once what the tools of one group do, so that the classes, lambdas and method
 * handles they need are in the group's archive, parsed and verified, for every later start. The launcher keeps one
 * archive for the sampler ({@code austin}, {@code austin4}, {@code austin-top}) and one for the converters: a start
 * maps its whole archive (the kernel maps the archive's pages around every page touched), so the converters'
 * Jackson and protobuf in the sampler's archive cost every sampling run 4 MiB of resident memory.
 *
 * <p>{@link #SAMPLER}: prints {@code austin}'s and {@code austin4}'s help and version, and samples a short Python
 * run when a {@code python3} is on the {@code PATH} (text to a file, MOJO in full mode, Austin 4's MOJO in pipe
 * mode); without one it loads, without initialising, the sampler's and JNA's classes instead. (Loading every class
 * of every library would make the archive larger and each start touch more of it: measured, slower.) {@link
 * #CONVERTERS}: converts a small recorded profile with every converter from MOJO and from text. Everything goes to
 * a null stream; failures are ignored, since a partial archive is still an archive. A watchdog ends the run after
 * {@link #LIMIT_MS}.
 */
final class Training {
    /** The hidden tool's name, as the launcher passes it in {@code austin.tool}. */
    static final String TOOL = "train";
    /** The sampler's group, as the launcher names it in {@code austin.train}. */
    static final String SAMPLER = "sampler";
    /** The converters' group. */
    static final String CONVERTERS = "convert";
    static final long LIMIT_MS = 20_000;
    private static final String NULL_DEVICE = "/dev/null";
    private static final String[] PACKAGES = {"io/austin/sampler/", "com/sun/jna/"};
    private static final String PROGRAM = "import time\n"
            + "def spin(n):\n    return sum(k % 7 for k in range(n))\n"
            + "end = time.time() + 0.25\n"
            + "while time.time() < end:\n    spin(20000)\n    time.sleep(0.001)\n";

    private Training() {
    }

    /** Trains {@code group} ({@link #SAMPLER} or {@link #CONVERTERS}; anything else: both). */
    static int run(String group) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(LIMIT_MS);
                System.exit(ExitCodes.OK); // what was loaded so far still goes into the archive
            } catch (InterruptedException done) {
                // the training ended first
            }
        }, "training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            exportNativeDispatch();
            if (!SAMPLER.equals(group)) {
                converters();
            }
            if (!CONVERTERS.equals(group)) {
                sampler();
            }
        } catch (IOException | RuntimeException | LinkageError ignored) {
            // a partial archive is still an archive
        }
        watchdog.interrupt();
        return ExitCodes.OK;
    }

    private static void converters() throws IOException {
        byte[] mojo = resource("training.mojo");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Cli.run("mojo2austin", new Cli.Streams(new ByteArrayInputStream(mojo), text, nul()), "-", "-");
        for (byte[] input : new byte[][] {mojo, text.toByteArray()}) {
            for (String tool : new String[] {"mojo2austin", "austin2speedscope", "austin2pprof", "austin2html"}) {
                Cli.run(tool, quiet(input), "-", "-");
            }
        }
        Cli.run("mojo2austin", quiet(mojo), "--compat", "-", "-");
    }

    private static void sampler() throws IOException {
        Cli.run("austin", quiet(new byte[0]), "--help");
        Cli.run("austin", quiet(new byte[0]), "-V");
        Cli.run("austin4", quiet(new byte[0]), "--help");
        String python = onPath("python3");
        if (python == null) {
            loadClasses(); // the sampler's classes at least, without their lambdas and method handles
        } else {
            Path file = Files.createTempFile("austin-training", ".austin"); // the -o path's classes too
            try {
                Cli.run("austin", quiet(new byte[0]), "-i", "1ms", "-x", "2", "-o", file.toString(), python, "-S",
                        "-c", PROGRAM);
            } finally {
                Files.deleteIfExists(file);
            }
            Cli.run("austin", quiet(new byte[0]), "-b", "-f", "-i", "1ms", "-x", "2", python, "-S", "-c",
                    PROGRAM);
            Cli.run("austin4", quiet(new byte[0]), "-P", "-i", "1ms", "-x", "1", python, "-S", "-c", PROGRAM);
            // A program that ends before its interpreter is found (Austin's status 33), as 'python3 -c pass' often
            // does: the failure's path (the exception, the exit message) is then in the archive too.
            Cli.run("austin", quiet(new byte[0]), "-i", "1ms", "-o", NULL_DEVICE, python, "-S", "-c", "pass");
        }
        // A command that cannot be started: the same failure, every time.
        Cli.run("austin", quiet(new byte[0]), "-i", "1ms", "-o", NULL_DEVICE, "/nonexistent/austin-training");
    }

    /**
     * JNA unpacks its native part from the jar to a temporary file on every start (a tenth of the sampler's start-up
     * work); the launcher points it at a copy made once, here, in the folder named by {@code austin.jna.out}, kept
     * beside the archive and replaced with it when the jar changes. The resource path is JNA's documented layout.
     */
    private static void exportNativeDispatch() throws IOException {
        String out = System.getProperty("austin.jna.out");
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "linux-x86-64";
            case "aarch64" -> "linux-aarch64";
            default -> null;
        };
        if (out == null || arch == null || !System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        try (InputStream in = Training.class.getResourceAsStream("/com/sun/jna/" + arch + "/libjnidispatch.so")) {
            if (in != null) {
                Path dir = Files.createDirectories(Paths.get(out));
                Files.copy(in, dir.resolve("libjnidispatch.so"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Cli.Streams quiet(byte[] input) {
        return new Cli.Streams(new ByteArrayInputStream(input), nul(), nul());
    }

    private static OutputStream nul() {
        return OutputStream.nullOutputStream();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Training.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static String onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Paths.get(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Loads (without initialising) every class of the packages in {@link #PACKAGES} from this jar. */
    private static void loadClasses() throws IOException {
        Path jar;
        try {
            jar = Paths.get(Training.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            return; // classes from a directory (tests): nothing to archive
        }
        ClassLoader loader = Training.class.getClassLoader();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")
                        || !wanted(name)) {
                    continue;
                }
                try {
                    Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // an optional dependency of the library is absent: the class is never used either
                }
            }
        }
    }

    private static boolean wanted(String name) {
        for (String p : PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
