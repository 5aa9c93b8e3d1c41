package io.austin.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.converters.Conversions;
import io.austin.converters.pprof.PprofOptions;
import io.austin.fleet.aggregator.Aggregator;
import io.austin.fleet.store.ProfileStore;
import io.austin.formats.Fixtures;
import io.austin.formats.ProfileEvent;
import io.austin.formats.StackEvents;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * How many windows a second one aggregator merges, and how much CPU each costs, on a real broker and a real
 * PostgreSQL: windows made from a real recording (a few hundred samples each, the size an agent sends for a busy
 * process at 100 Hz over 10 s), spread over services and minutes, produced up front, then consumed by the aggregator
 * running in this JVM. {@code -Dfleet.windows=N} for a longer run (default 1,500).
 */
class AggregatorThroughputIT {
    @TempDir
    Path tmp;

    @Test
    void windowsPerSecondPerCore() throws Exception {
        int n = Integer.getInteger("fleet.windows", 1_500);
        int services = 5;
        List<ProfileEvent> events = StackEvents.profile(() -> Files.newInputStream(
                Fixtures.root().resolve("v3/two_threads.wall.py311.mojo"))).collectList().block();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flux.fromIterable(events).as(Conversions.writeTo(Conversions.toPprof(PprofOptions.defaults().withGzip(true)),
                out)).block();
        byte[] window = out.toByteArray();
        long samplesPerWindow = events.stream().filter(e -> e instanceof io.austin.formats.Sample).count();
        // Every window in the past, however many (six a minute per service), so that the query up to now finds all.
        long minutes = n / (services * 6) + 5;
        long base = Instant.now().minus(Duration.ofMinutes(minutes)).toEpochMilli() / 60_000 * 60_000;
        try (PostgresServer db = PostgresServer.start(); KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            db.createDatabase("austin");
            broker.createTopic("austin.windows", 3);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < n; i++) {
                    String service = "svc" + (i % services);
                    long start = base + (i / (services * 6)) * 10_000L; // six 10 s windows a minute per service
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>("austin.windows", null, start, service,
                            window);
                    WindowHeaders.put(r.headers(), WindowHeaders.HOST, "host-" + (i % 7));
                    WindowHeaders.put(r.headers(), WindowHeaders.PID, Integer.toString(1000 + i % 11));
                    WindowHeaders.put(r.headers(), WindowHeaders.MODE, "wall");
                    WindowHeaders.put(r.headers(), WindowHeaders.SAMPLES, Long.toString(samplesPerWindow));
                    producer.send(r);
                }
                producer.flush();
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (ProfileStore store = new ProfileStore(db.jdbcUrl("austin"));
                    Aggregator aggregator = new Aggregator(new Aggregator.Config(broker.bootstrap(), "austin.windows",
                            "throughput", tmp.resolve("state"), Duration.ofMinutes(minutes + 60), Map.of()), store)) {
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                aggregator.start();
                long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
                while (aggregator.counts()[0] < n && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                long wall = System.nanoTime() - t0;
                long cpu = os.getProcessCpuTime() - cpu0;
                assertEquals(n, aggregator.counts()[0], "every window merged");
                Thread.sleep(2_000); // the last commit writes the last rows
                long stored = 0;
                for (int s = 0; s < services; s++) {
                    for (ProfileStore.Row row : store.query("svc" + s, Instant.ofEpochMilli(base).minusSeconds(60),
                            Instant.now(), "wall")) {
                        stored += row.samples();
                    }
                }
                assertEquals(n * samplesPerWindow, stored, "every sample in the store");
                System.out.printf("[fleet] aggregator: %d windows of %d bytes (%d samples) in %.1f s: %.0f windows/s,"
                        + " %.0f windows per CPU second (%.2f cores busy, this JVM's CPU: Streams, the merge, JDBC)%n",
                        n, window.length, samplesPerWindow, wall / 1e9, n / (wall / 1e9), n / (cpu / 1e9),
                        (double) cpu / wall);
                assertTrue(n / (cpu / 1e9) > 10, "at least ten windows per CPU second");
            }
        }
    }
}
