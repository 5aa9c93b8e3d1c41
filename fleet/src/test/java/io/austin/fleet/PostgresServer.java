package io.austin.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for the tests, from the distribution's package (the newest
 * {@code /usr/lib/postgresql/<version>/bin}): a new cluster in a directory of its own under /tmp, the server a child
 * process listening on a free port of 127.0.0.1, its Unix socket inside the data directory, {@code trust}
 * authentication, no fsync. PostgreSQL refuses to run as root: as root, initdb and the server run as the
 * {@code postgres} system user ({@code setpriv}, else {@code runuser}), and the directory (0755, under the
 * world-traversable /tmp rather than a test's root-only temporary folder) is theirs.
 *
 * <p>Without PostgreSQL the calling test is skipped with a warning, or fails when {@code AUSTIN_PYTHONS=required}
 * (CI, where every tool the tests use must be there).
 */
public final class PostgresServer implements AutoCloseable {
    private static final Path VERSIONS = Paths.get("/usr/lib/postgresql");
    private static final String USER = "postgres";

    private final Path bin;
    private final Path base;
    private final Path data;
    private final int port;
    private final boolean asRoot;
    private final Thread reaper;
    private volatile Process server;
    private boolean closed;

    private PostgresServer(Path bin, Path base, int port, boolean asRoot) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
        this.reaper = new Thread(this::reap, "postgres-reaper");
    }

    /**
     * Creates a cluster and starts its server, returning once it takes connections (at most 60 s).
     *
     * @return the running server
     * @throws org.opentest4j.TestAbortedException if PostgreSQL is not installed (unless required)
     * @throws IllegalStateException if PostgreSQL is required but missing, or initdb or the server fail
     */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean asRoot = ((Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")) == 0;
        Path base = Files.createTempDirectory(Paths.get("/tmp"), "austin-pg-");
        PostgresServer pg = new PostgresServer(bin, base, freePort(), asRoot);
        Runtime.getRuntime().addShutdownHook(pg.reaper);
        try {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (asRoot) {
                UserPrincipal owner = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
                Files.setOwner(base, owner);
            }
            pg.initdb();
            pg.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    /** The JDBC URL of a database of this server, as the {@code postgres} superuser (no password: trust). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** Creates a database (owned by {@code postgres}). */
    public void createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        }
    }

    /** The server's directory under /tmp: {@code data/} (the cluster, its socket) and the programs' logs. */
    public Path directory() {
        return base;
    }

    /** The server's TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Stops the server ({@code pg_ctl stop -m fast}, killing it if that fails) and removes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null && server.isAlive()) {
                try {
                    run(60, "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop");
                } catch (IOException | RuntimeException e) {
                    System.err.println("WARNING: pg_ctl stop failed, killing the server: " + e.getMessage());
                }
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    kill();
                }
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(base);
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down: the hook runs
            }
        }
    }

    /** At the JVM's exit, if not closed: the server killed and its directory removed (without the lock). */
    private void reap() {
        Process p = server;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteQuietly(base);
    }

    private synchronized void kill() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            try {
                server.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void initdb() throws IOException, InterruptedException {
        run(120, "initdb", "-D", data.toString(), "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C",
                "--no-sync");
    }

    private void launch() throws IOException, InterruptedException {
        Path log = base.resolve("postgres.log");
        List<String> command = command("postgres", "-D", data.toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + data,
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "shared_buffers=32MB", "-c", "max_parallel_workers_per_gather=0");
        server = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited (" + server.exitValue() + ") while starting:\n"
                        + KafkaBroker.tail(log));
            }
            try {
                DriverManager.getConnection(jdbcUrl("postgres")).close();
                return;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("PostgreSQL was not ready on port " + port + " within 60 s (" + last
                + "):\n" + KafkaBroker.tail(log));
    }

    /** Runs a PostgreSQL program to its end, as {@code postgres} when root; its output goes into the failure. */
    private void run(int seconds, String program, String... args) throws IOException, InterruptedException {
        List<String> command = command(program, args);
        Path out = Files.createTempFile(base, program, ".log");
        Process p = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(program + " did not end within " + seconds + " s:\n"
                    + KafkaBroker.tail(out));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n"
                    + KafkaBroker.tail(out));
        }
    }

    /** A PostgreSQL program's command line: as root, through setpriv (or runuser) as the {@code postgres} user. */
    private List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            if (Files.isExecutable(Paths.get("/usr/bin/setpriv"))) {
                // setpriv execs the program (no intermediate process): the server is our child, signals reach it.
                command.addAll(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + USER, "--init-groups",
                        "--reset-env", "--"));
            } else {
                command.addAll(List.of("runuser", "-u", USER, "--"));
            }
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    /** The newest installed version's programs; skips or fails the test when there is none. */
    private static Path binaries() {
        Path newest = null;
        if (Files.isDirectory(VERSIONS)) {
            try (Stream<Path> versions = Files.list(VERSIONS)) {
                newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                        .max(Comparator.comparing(PostgresServer::version)).map(v -> v.resolve("bin")).orElse(null);
            } catch (IOException e) {
                newest = null;
            }
        }
        if (newest == null) {
            String msg = "PostgreSQL is not installed (no " + VERSIONS + "/*/bin/initdb; apt-get install postgresql)";
            if ("required".equals(System.getenv("AUSTIN_PYTHONS"))) {
                throw new IllegalStateException(msg + ", and AUSTIN_PYTHONS=required");
            }
            System.err.println("WARNING: " + msg + ": test skipped");
            Assumptions.assumeTrue(false, msg);
        }
        return newest;
    }

    /** A version directory's number (15, 16, 9.6 as 9.6), for the newest; 0 when not a number. */
    private static double version(Path dir) {
        try {
            return Double.parseDouble(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the system's /tmp cleaning
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
