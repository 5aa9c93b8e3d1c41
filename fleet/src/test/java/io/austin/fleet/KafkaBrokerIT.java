package io.austin.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test broker itself: a real KRaft broker in its own JVM takes records from a real producer and gives them to a
 * real consumer, keeps them through a SIGKILL and a restart, and takes more afterwards, from the same producer.
 */
class KafkaBrokerIT {
    private static final String TOPIC = "durable";

    @TempDir
    Path tmp;

    @Test
    void recordsSurviveAKillAndARestart() throws Exception {
        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            System.out.printf("[kafka] broker started (format + start + ready) in %d ms%n", millisSince(t0));
            assertTrue(Files.isRegularFile(tmp.resolve("kafka/server.properties")));
            broker.createTopic(TOPIC, 3);
            try (KafkaProducer<String, String> producer = producer(broker.bootstrap())) {
                send(producer, 0, 100);
                assertEquals(expected(0, 100), readAll(broker.bootstrap(), 100));

                ProcessHandle before = broker.handle();
                broker.kill();
                assertFalse(before.isAlive(), "SIGKILL ends the broker");
                long t1 = System.nanoTime();
                broker.restart();
                System.out.printf("[kafka] broker restarted after SIGKILL in %d ms%n", millisSince(t1));
                assertTrue(broker.handle().isAlive() && broker.handle().pid() != before.pid(), "a new process");

                assertEquals(expected(0, 100), readAll(broker.bootstrap(), 100), "the records survive SIGKILL");
                send(producer, 100, 150);
                assertEquals(expected(0, 150), readAll(broker.bootstrap(), 150), "the same producer goes on");
            }
            long t2 = System.nanoTime();
            broker.stop();
            System.out.printf("[kafka] broker stopped (SIGTERM) in %d ms%n", millisSince(t2));
            broker.restart();
            assertEquals(expected(0, 150), readAll(broker.bootstrap(), 150), "and survive a clean stop");
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500),
                new StringSerializer(), new StringSerializer());
    }

    /** Sends records {@code from} (inclusive) to {@code to}, keyed so that each key keeps to one partition. */
    private static void send(KafkaProducer<String, String> producer, int from, int to) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            acks.add(producer.send(new ProducerRecord<>(TOPIC, "k" + (i % 7), "v" + i)));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(60, TimeUnit.SECONDS);
        }
    }

    /** Per key, the values in the order they were sent (a key's records keep their order in its partition). */
    private static Map<String, List<String>> expected(int from, int to) {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (int i = from; i < to; i++) {
            byKey.computeIfAbsent("k" + (i % 7), k -> new ArrayList<>()).add("v" + i);
        }
        return byKey;
    }

    /** Reads the topic from the beginning with a new consumer (no group) until {@code count} records are read. */
    private static Map<String, List<String>> readAll(String bootstrap, int count) {
        Map<String, List<String>> byKey = new TreeMap<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(TOPIC, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(TOPIC, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int read = 0;
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                    read++;
                }
            }
            consumer.poll(Duration.ofMillis(200)).forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>())
                    .add(r.value())); // nothing more than expected
        }
        return byKey;
    }
}
