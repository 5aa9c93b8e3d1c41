package io.austin.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.austin.converters.Conversions;
import io.austin.converters.pprof.PprofOptions;
import io.austin.fleet.aggregator.Aggregator;
import io.austin.fleet.store.ProfileStore;
import io.austin.formats.Fixtures;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import java.io.ByteArrayOutputStream;
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
 * The agents deliver at least once: a window whose acknowledgement was lost is sent again, byte for byte. On a real
 * broker and a real PostgreSQL, the aggregator merges each window once: the resent copies are dropped and counted,
 * while a different window that shares the service, host, process and start (another recording) is still merged.
 */
class AggregatorDuplicateIT {
    @TempDir
    Path tmp;

    private record Window(byte[] pprof, long samples) {
    }

    private static Window window(String fixture) throws Exception {
        List<ProfileEvent> events = StackEvents.profile(() -> Files.newInputStream(Fixtures.root().resolve(fixture)))
                .collectList().block();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Flux.fromIterable(events).as(Conversions.writeTo(Conversions.toPprof(PprofOptions.defaults().withGzip(true)),
                out)).block();
        return new Window(out.toByteArray(), events.stream().filter(e -> e instanceof Sample).count());
    }

    private static ProducerRecord<String, byte[]> record(long start, String host, int pid, Window w) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>("austin.windows", null, start, "svc", w.pprof());
        WindowHeaders.put(r.headers(), WindowHeaders.HOST, host);
        WindowHeaders.put(r.headers(), WindowHeaders.PID, Integer.toString(pid));
        WindowHeaders.put(r.headers(), WindowHeaders.MODE, "wall");
        WindowHeaders.put(r.headers(), WindowHeaders.SAMPLES, Long.toString(w.samples()));
        return r;
    }

    @Test
    void aResentWindowIsMergedOnce() throws Exception {
        Window a = window("v3/two_threads.wall.py311.mojo");
        Window b = window("v3/cpu_recursion.wall.py311.mojo");
        long minute = Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli() / 60_000 * 60_000;
        try (PostgresServer db = PostgresServer.start(); KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            db.createDatabase("austin");
            broker.createTopic("austin.windows", 3);
            List<ProducerRecord<String, byte[]>> sent = List.of(
                    record(minute, "h1", 100, a),
                    record(minute, "h1", 200, a),
                    record(minute + 10_000, "h2", 100, a),
                    record(minute, "h1", 100, a), // resent: the same window again
                    record(minute + 10_000, "h2", 100, a), // resent
                    record(minute, "h1", 100, b), // the same process and start, another profile: a window of its own
                    record(minute, "h1", 100, a)); // resent a second time
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (ProducerRecord<String, byte[]> r : sent) {
                    producer.send(r).get(30, TimeUnit.SECONDS);
                }
            }
            try (ProfileStore store = new ProfileStore(db.jdbcUrl("austin"));
                    Aggregator aggregator = new Aggregator(new Aggregator.Config(broker.bootstrap(), "austin.windows",
                            "dedupe", tmp.resolve("state"), Duration.ofHours(1), Map.of()), store)) {
                aggregator.start();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (aggregator.counts()[0] + aggregator.counts()[2] < sent.size()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                long[] counts = aggregator.counts();
                assertEquals(4, counts[0], "windows merged");
                assertEquals(3, counts[2], "duplicates dropped");
                List<ProfileStore.Row> rows = List.of();
                while (System.nanoTime() < deadline) {
                    rows = store.query("svc", Instant.ofEpochMilli(minute).minusSeconds(60), Instant.now(), "wall");
                    if (rows.size() == 1 && rows.get(0).windows() == 4) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals(1, rows.size(), "one minute: " + rows);
                assertEquals(4, rows.get(0).windows(), "windows in the stored minute");
                assertEquals(3 * a.samples() + b.samples(), rows.get(0).samples(), "samples in the stored minute");
            }
        }
    }
}
