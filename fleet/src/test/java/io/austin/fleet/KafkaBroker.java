package io.austin.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker for the tests: KRaft, one process both broker and controller, started from the
 * Kafka server jar on the test class path as a separate JVM ({@code kafka.Kafka}), its storage formatted first by
 * {@code kafka.tools.StorageTool} (another JVM). Everything lives under one directory: {@code server.properties},
 * the data ({@code data/}), the format tool's output ({@code format.log}) and the broker's ({@code broker.log},
 * appended to across restarts). It listens on 127.0.0.1 only, on two free ports (clients and controller) that it
 * keeps across {@link #kill()}, {@link #stop()} and {@link #restart()}.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Thread reaper = new Thread(this::reap, "kafka-broker-reaper");
    private volatile Process process;
    private boolean closed;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats a new single-node cluster under {@code dir} and starts its broker, returning once a client can
     * describe the cluster.
     *
     * @param dir the broker's directory, created if missing
     * @return the running broker
     * @throws IOException if a file cannot be written or a process started
     * @throws IllegalStateException if formatting fails or the broker is not ready within 60 s
     */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int[] ports = freePorts(2);
        KafkaBroker broker = new KafkaBroker(dir.toAbsolutePath(), ports[0], ports[1]);
        broker.writeConfig();
        broker.format();
        Runtime.getRuntime().addShutdownHook(broker.reaper);
        try {
            broker.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** The clients' bootstrap address, {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Creates a topic of {@code partitions} partitions (replication factor 1) and waits until it is created. */
    public void createTopic(String name, int partitions) throws InterruptedException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    /** Kills the broker (SIGKILL: no controlled shutdown, nothing flushed) and waits until it is gone. */
    public synchronized void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitQuietly(p, STOP_TIMEOUT);
        }
    }

    /** At the JVM's exit, if not closed: the broker killed (without the lock a starting broker's waiter holds). */
    private void reap() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Stops the broker (SIGTERM: a controlled shutdown), killing it if it has not ended within 30 s. */
    public synchronized void stop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!waitQuietly(p, STOP_TIMEOUT)) {
                kill();
            }
        }
    }

    /** Starts the broker again (stopping it first if it runs), same ports and data, and waits until it is ready. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
        stop();
        launch();
    }

    /** The broker's process, for tests that need its PID; {@code null} before the first start. */
    public synchronized ProcessHandle handle() {
        return process == null ? null : process.toHandle();
    }

    /** Stops the broker quietly; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down (the hook runs), or the hook was never added
        }
    }

    private void writeConfig() throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        // A static quorum of one voter: formatted without --standalone, nothing to discover on a restart.
        c.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        c.put("log.dirs", dir.resolve("data").toString());
        // The internal topics: one replica each, and few partitions (50 by default, slow to create on two cores).
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "3");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "3");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("share.coordinator.state.topic.num.partitions", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        // After a SIGKILL the restarted controller still holds the dead broker's registration, and refuses the new
        // one (DUPLICATE_BROKER_REGISTRATION) until that session times out: 9 s by default, 3 s here.
        c.put("broker.session.timeout.ms", "3000");
        c.put("broker.heartbeat.interval.ms", "500");
        // Kafka requires at least 1 MiB per cleaner thread (more than, in fact: exactly 1 MiB is refused).
        c.put("log.cleaner.dedupe.buffer.size", "2097152");
        c.put("auto.create.topics.enable", "false");
        c.put("num.network.threads", "2");
        c.put("num.io.threads", "2");
        c.put("background.threads", "2");
        StringBuilder text = new StringBuilder("# A single-node KRaft cluster for the tests.\n");
        c.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(dir.resolve("server.properties"), text, StandardCharsets.UTF_8);
    }

    private void format() throws IOException, InterruptedException {
        Path log = dir.resolve("format.log");
        List<String> command = java("-Xmx128m");
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", dir.resolve("server.properties").toString()));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kafka-storage format did not end within 60 s:\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kafka-storage format failed (exit " + p.exitValue() + "):\n" + tail(log));
        }
    }

    private synchronized void launch() throws IOException, InterruptedException {
        Path log = dir.resolve("broker.log");
        List<String> command = java("-Xmx320m");
        command.addAll(List.of("-Xms64m", "kafka.Kafka", dir.resolve("server.properties").toString()));
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady(process, log);
    }

    /** A JVM command line on the test class path: small, quick to start, its logging at warn. */
    private static List<String> java(String heap) {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), heap, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.awt.headless=true",
                // Kafka's server logs through SLF4J: with the slf4j-simple binding (at warn) ...
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                // ... and Log4j 2 (Kafka's own binding in its distribution; its API on the class path) at warn too.
                "-Dlog4j2.level=WARN",
                "-cp", System.getProperty("java.class.path")));
        return command;
    }

    private void awaitReady(Process p, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited (" + p.exitValue() + ") while starting:\n"
                            + tail(log));
                }
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = String.valueOf(e.getCause() != null ? e.getCause() : e);
                }
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the Kafka broker at " + bootstrap() + " was not ready within "
                + READY_TIMEOUT.toSeconds() + " s (" + last + "):\n" + tail(log));
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
        return Admin.create(p);
    }

    private static boolean waitQuietly(Process p, Duration timeout) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Distinct free TCP ports on 127.0.0.1 (free when asked: the usual small race with other programs). */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** The last 60 lines of a log, for failure messages. */
    static String tail(Path log) {
        try {
            String[] lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n");
            return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 60), lines.length));
        } catch (IOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }
}
