package io.austin.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.austin.sampler.Pythons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet end to end, every part real: a Kafka broker (KRaft, its own JVM), PostgreSQL, three agents (the
 * launcher, their own JVMs) sampling six Python processes of two services, the aggregator (the launcher), and the
 * query. The broker is killed and restarted while the agents publish. Then the query's totals, per service, equal
 * the samples the agents report acknowledged: nothing acknowledged is lost, nothing counted twice.
 */
class FleetIT {
    private static final Path BIN = FleetTools.BIN;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    private Process start(Path log, String... command) throws Exception {
        Process p = FleetTools.start(log, command);
        processes.add(p);
        return p;
    }

    /** A Python program of a service: a copy of a CPU-bound target under the service's name, for --match. */
    private Process python(String name, int seconds) throws Exception {
        Path script = tmp.resolve(name + ".py");
        if (!Files.exists(script)) {
            Files.copy(Pythons.target("shares.py"), script);
        }
        return start(tmp.resolve(name + "-" + processes.size() + ".log"), Pythons.any().path().toString(), "-S",
                script.toString(), Integer.toString(seconds));
    }

    private String query(String jdbc, String... args) throws Exception {
        String out = queryOrNull(jdbc, args);
        assertTrue(out != null, "austin-query " + String.join(" ", args) + ": no profile");
        return out;
    }

    /** The query's output, or null when it finds no profile (status 1). */
    private String queryOrNull(String jdbc, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("austin-query").toString(), "--db", jdbc));
        command.addAll(List.of(args));
        Path out = tmp.resolve("query.out");
        Path err = tmp.resolve("query.err");
        Process q = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(q.waitFor(60, TimeUnit.SECONDS), "austin-query ends");
        if (q.exitValue() == 1 && Files.readString(err).contains("no profile")) {
            return null;
        }
        assertEquals(0, q.exitValue(), "austin-query " + args[0] + ": " + Files.readString(err));
        return Files.readString(out);
    }

    @Test
    void threeAgentsSixProcessesTwoServicesThroughABrokerRestart() throws Exception {
        assumeTrue(FleetTools.built(), "the fleet jar is built by 'package'");
        try (PostgresServer db = PostgresServer.start(); KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            db.createDatabase("austin");
            String jdbc = db.jdbcUrl("austin");
            String bootstrap = broker.bootstrap();
            try {
                Process aggregator = start(tmp.resolve("aggregator.log"), BIN.resolve("austin-aggregator").toString(),
                        "--bootstrap", bootstrap, "--db", jdbc, "--partitions", "3", "--state-dir",
                        tmp.resolve("state").toString(), "--streams", "commit.interval.ms=500");
                // Six processes: four of "api" (two per agent, given by PID), two of "worker" (found by pattern,
                // one of them started after its agent, as processes come and go).
                List<Process> api = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    api.add(python("api_server", 40));
                }
                Process worker1 = python("worker_job", 40);
                Path[] stats = {tmp.resolve("agent1.json"), tmp.resolve("agent2.json"), tmp.resolve("agent3.json")};
                String agent = BIN.resolve("austin-agent").toString();
                List<Process> agents = List.of(
                        start(tmp.resolve("agent1.log"), agent, "--service", "api", "--host", "host-a", "-p",
                                Long.toString(api.get(0).pid()), "-p", Long.toString(api.get(1).pid()), "--bootstrap",
                                bootstrap, "--window", "2", "--stats", stats[0].toString()),
                        start(tmp.resolve("agent2.log"), agent, "--service", "api", "--host", "host-b", "-p",
                                Long.toString(api.get(2).pid()), "-p", Long.toString(api.get(3).pid()), "--bootstrap",
                                bootstrap, "--window", "2", "--stats", stats[1].toString()),
                        start(tmp.resolve("agent3.log"), agent, "--service", "worker", "--host", "host-c", "--match",
                                "worker_job[.]py", "--bootstrap", bootstrap, "--window", "2", "--stats",
                                stats[2].toString()));
                Thread.sleep(3_000);
                Process worker2 = python("worker_job", 30);
                Thread.sleep(4_000);
                // The broker dies under the agents' feet and comes back: they buffer, then resend.
                broker.kill();
                Thread.sleep(5_000);
                broker.restart();
                Thread.sleep(6_000);
                for (Process a : agents) {
                    a.toHandle().destroy(); // SIGTERM: open windows published, buffer sent, counts written
                }
                for (int i = 0; i < agents.size(); i++) {
                    assertTrue(agents.get(i).waitFor(90, TimeUnit.SECONDS), "agent " + (i + 1) + " ends");
                    assertEquals(0, agents.get(i).exitValue(), "agent " + (i + 1) + ":\n"
                            + Files.readString(tmp.resolve("agent" + (i + 1) + ".log")));
                }
                Map<String, Long> sent = new TreeMap<>();
                Map<String, Long> hostA = new TreeMap<>();
                long[] windowsAndBytes = new long[2];
                for (int i = 0; i < stats.length; i++) {
                    JsonNode s = JSON.readTree(stats[i].toFile());
                    assertEquals(0, s.get("unsent").asInt(), "agent " + (i + 1) + " sent everything");
                    s.get("services").fields().forEachRemaining(e -> {
                        sent.merge(e.getKey(), e.getValue().get("samples").asLong(), Long::sum);
                        windowsAndBytes[0] += e.getValue().get("windows").asLong();
                        windowsAndBytes[1] += e.getValue().get("bytes").asLong();
                        assertEquals(0, e.getValue().get("droppedWindows").asLong(), "nothing dropped");
                    });
                    if (i == 0) {
                        hostA.put("api", s.get("services").get("api").get("samples").asLong());
                    }
                }
                assertEquals(List.of("api", "worker"), new ArrayList<>(sent.keySet()), sent.toString());

                // On the topic itself, read with our Flux adapter: every acknowledged window is there. A window may
                // be there twice (at least once: the broker kept a record whose acknowledgement died with it, and
                // the agent resent it); a copy is the same bytes under the same labels, and counts once, as the
                // aggregator counts it.
                Map<String, Object> consumer = Map.of(
                        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "fleet-it-check",
                        org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                Map<String, Long> onTopic = new TreeMap<>();
                java.util.Set<String> distinct = new java.util.HashSet<>();
                java.util.Set<String> offsets = new java.util.HashSet<>();
                long[] copies = new long[2]; // resent by an agent (another offset), delivered again (same offset)
                io.austin.fleet.kafka.KafkaFlux.receive(consumer, List.of("austin.windows"),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                        .take(Duration.ofSeconds(15))
                        .doOnNext(r -> {
                            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                            crc.update(r.value());
                            String id = String.join("/", r.key(), WindowHeaders.get(r.headers(), WindowHeaders.HOST),
                                    WindowHeaders.get(r.headers(), WindowHeaders.PID),
                                    WindowHeaders.get(r.headers(), WindowHeaders.START),
                                    Long.toHexString(crc.getValue()));
                            boolean again = !offsets.add(r.partition() + ":" + r.offset());
                            if (!distinct.add(id)) {
                                copies[again ? 1 : 0]++;
                                return;
                            }
                            onTopic.merge(r.key(), Long.parseLong(WindowHeaders.get(r.headers(),
                                    WindowHeaders.SAMPLES)), Long::sum);
                        })
                        .takeUntil(r -> onTopic.equals(sent))
                        .blockLast(Duration.ofSeconds(30));
                assertEquals(sent, onTopic, "the windows on the topic hold the acknowledged samples");
                assertTrue(sent.get("api") > 1000 && sent.get("worker") > 300, "samples sent: " + sent);
                assertTrue(worker2.isAlive() || worker2.exitValue() == 0, "the late worker ran");

                // The aggregator catches up: the stored totals reach what the agents sent, and stay there.
                for (String service : sent.keySet()) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    long total = -1;
                    while (System.nanoTime() < deadline) {
                        String q = queryOrNull(jdbc, "--service", service, "--from", "-1h", "--totals");
                        if (q != null) {
                            JsonNode t = JSON.readTree(q);
                            assertEquals("samples/count", t.get("types").get(0).asText());
                            total = t.get("totals").get(0).asLong();
                        }
                        if (total >= sent.get(service)) {
                            break;
                        }
                        Thread.sleep(1_000);
                    }
                    assertEquals(sent.get(service), total, service + ": the query's samples = the agents' acked; "
                            + "the aggregator's log:\n" + Files.readString(tmp.resolve("aggregator.log")));
                }
                JsonNode a = JSON.readTree(query(jdbc, "--service", "api", "--label", "host=host-a", "--totals"));
                assertEquals((long) hostA.get("api"), a.get("totals").get(0).asLong(), "host-a's share of api");

                // The same range in every format.
                Path html = tmp.resolve("api.html");
                query(jdbc, "--service", "api", "--format", "html", "-o", html.toString());
                assertTrue(Files.readString(html).contains("recurse"), "the flame graph names the code");
                String text = query(jdbc, "--service", "worker", "--format", "collapsed");
                assertTrue(text.contains(";") && text.contains("worker_job.py"), text.substring(0,
                        Math.min(300, text.length())));
                Path json = tmp.resolve("api.json");
                query(jdbc, "--service", "api", "--format", "speedscope", "-o", json.toString());
                assertEquals("https://www.speedscope.app/file-format-schema.json",
                        JSON.readTree(json.toFile()).get("$schema").asText());
                Path pprof = tmp.resolve("api.pprof");
                query(jdbc, "--service", "api", "-o", pprof.toString());
                byte[] gz = Files.readAllBytes(pprof);
                assertTrue(gz.length > 100 && (gz[0] & 0xff) == 0x1f && (gz[1] & 0xff) == 0x8b, "gzip pprof");
                Path diff = tmp.resolve("diff.html");
                query(jdbc, "--service", "api", "--from", "-1h", "--format", "html", "--diff-from", "-1h",
                        "--diff-to", "now", "-o", diff.toString());
                assertTrue(Files.size(diff) > 1000, "the diff page");

                aggregator.toHandle().destroy();
                assertTrue(aggregator.waitFor(60, TimeUnit.SECONDS), "the aggregator stops on SIGTERM");
                System.out.printf("[fleet] sent %s samples in %d windows of 2 s, %d bytes per window on average, "
                        + "%d resent copies on the topic, %d records read twice; the aggregator: %s%n", sent,
                        windowsAndBytes[0], windowsAndBytes[1] / windowsAndBytes[0], copies[0], copies[1],
                        lastLine(tmp.resolve("aggregator.log")));
            } finally {
                for (Process p : processes) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static String lastLine(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
