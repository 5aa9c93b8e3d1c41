package io.austin.fleet.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.austin.fleet.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * {@link KafkaFlux} against a real broker (a KRaft broker in its own JVM): demand-driven receiving that pauses the
 * consumer while nothing is requested, resuming a group after its committed offsets, a consumer's failure as the
 * flux's error, and sends that fail, or wait, while the broker is down.
 */
class KafkaFluxIT {
    private static final int RECORDS = 1000;
    private static final int MAX_POLL = 100;

    @TempDir
    static Path tmp;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(tmp.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsFlowOnlyAgainstDemandAndTheConsumerPausesWithoutIt() throws Exception {
        produce("demand", 3);
        KafkaFlux.Probe probe = new KafkaFlux.Probe();
        List<ConsumerRecord<String, String>> got = new CopyOnWriteArrayList<>();
        Flux<ConsumerRecord<String, String>> flux = KafkaFlux.receive(consumer("demand-group"), List.of("demand"),
                new StringDeserializer(), new StringDeserializer(), probe).doOnNext(got::add);

        StepVerifier.create(flux, 0)
                .expectSubscription()
                .then(() -> await("all partitions assigned, and paused", () -> probe.assigned() == 3
                        && probe.paused() == 3))
                .expectNoEvent(Duration.ofMillis(500))
                .then(() -> assertEquals(0, probe.fetched(), "nothing fetched without demand"))
                .thenRequest(10)
                .expectNextCount(10)
                .then(() -> await("paused again once the 10 are emitted", () -> probe.pauses() >= 2
                        && probe.paused() == 3))
                .expectNoEvent(Duration.ofSeconds(1))
                .then(() -> {
                    assertEquals(10, got.size());
                    assertEquals(10, probe.emitted());
                    long fetched = probe.fetched();
                    assertTrue(fetched >= 10 && fetched <= 10 + MAX_POLL, "fetched " + fetched);
                    assertEquals(1, probe.resumes(), "resumed once, for the demand");
                })
                .thenRequest(RECORDS - 10)
                .expectNextCount(RECORDS - 10)
                .expectNoEvent(Duration.ofMillis(500))
                .thenCancel()
                .verify(Duration.ofSeconds(90));

        assertTrue(probe.awaitClosed(Duration.ofSeconds(30)), "cancel closes the consumer");
        assertEquals(RECORDS, got.size());
        assertInPartitionOrder(got);
        assertEquals(all(), values(got));
        System.out.printf("[kafka-flux] demand: %d fetched, %d pauses, %d resumes, %d commits%n", probe.fetched(),
                probe.pauses(), probe.resumes(), probe.commits());
    }

    @Test
    void aNewSubscriptionOfTheGroupResumesAfterTheCommittedOffsets() throws Exception {
        produce("resume", 3);
        KafkaFlux.Probe first = new KafkaFlux.Probe();
        List<ConsumerRecord<String, String>> before = new CopyOnWriteArrayList<>();
        StepVerifier.create(KafkaFlux.receive(consumer("resume-group"), List.of("resume"), new StringDeserializer(),
                        new StringDeserializer(), first).doOnNext(before::add), 0)
                .thenRequest(300)
                .expectNextCount(300)
                .thenCancel()
                .verify(Duration.ofSeconds(60));
        assertTrue(first.awaitClosed(Duration.ofSeconds(30)), "cancel closes the consumer");

        // Cancelling committed exactly what was emitted: per partition, the offset after its last emitted record.
        Map<TopicPartition, Long> emitted = new TreeMap<>(KafkaFluxIT::compare);
        before.forEach(r -> emitted.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max));
        assertEquals(emitted, committed("resume-group"));

        KafkaFlux.Probe second = new KafkaFlux.Probe();
        List<ConsumerRecord<String, String>> after = new CopyOnWriteArrayList<>();
        StepVerifier.create(KafkaFlux.receive(consumer("resume-group"), List.of("resume"), new StringDeserializer(),
                        new StringDeserializer(), second).doOnNext(after::add))
                .expectNextCount(RECORDS - 300)
                .expectNoEvent(Duration.ofSeconds(1))
                .thenCancel()
                .verify(Duration.ofSeconds(60));
        assertTrue(second.awaitClosed(Duration.ofSeconds(30)));

        // Nothing lost, nothing twice (all that was emitted had been committed), each partition resumed just after.
        Set<String> twice = new HashSet<>(values(before));
        twice.retainAll(values(after));
        assertEquals(Set.of(), twice, "no record delivered twice");
        Set<String> union = new HashSet<>(values(before));
        union.addAll(values(after));
        assertEquals(all(), union, "no record lost");
        for (ConsumerRecord<String, String> r : after) {
            TopicPartition p = new TopicPartition(r.topic(), r.partition());
            assertTrue(r.offset() >= emitted.getOrDefault(p, 0L), "after the committed offset: " + r);
        }
        assertInPartitionOrder(after);
        assertEquals(RECORDS, committed("resume-group").values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aSendFailsWhileTheBrokerIsDownOrWaitsForItsRestart() throws Exception {
        broker.createTopic("down", 1);
        try (KafkaProducer<String, String> quick = producer(Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000));
                KafkaProducer<String, String> patient = producer(Map.of(
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000))) {
            StepVerifier.create(KafkaFlux.send(quick, new ProducerRecord<>("down", "k", "first")))
                    .expectNextMatches(m -> m.offset() == 0)
                    .verifyComplete();
            StepVerifier.create(KafkaFlux.send(patient, new ProducerRecord<>("down", "k", "second")))
                    .expectNextMatches(m -> m.offset() == 1)
                    .verifyComplete();

            broker.kill();
            try {
                // With every broker gone the producer re-bootstraps (Kafka 4's metadata.recovery.strategy) and
                // forgets the topic: send() then blocks its caller, at most max.block.ms, waiting for metadata.
                long t0 = System.nanoTime();
                CompletableFuture<RecordMetadata> lost =
                        KafkaFlux.send(quick, new ProducerRecord<>("down", "k", "lost")).toFuture();
                long blocked = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(blocked < 2_000 + 1_000, "the subscriber blocked " + blocked + " ms");
                StepVerifier.create(Mono.fromFuture(lost))
                        .expectErrorSatisfies(e -> assertInstanceOf(TimeoutException.class, e, e.toString()))
                        .verify(Duration.ofSeconds(30));
                long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(failedAfter < 10_000, "failed after " + failedAfter + " ms");

                CompletableFuture<RecordMetadata> pending = KafkaFlux.send(patient,
                        new ProducerRecord<>("down", "k", "waits")).subscribeOn(Schedulers.boundedElastic()).toFuture();
                Thread.sleep(1_000);
                assertFalse(pending.isDone(), () -> "the patient send waits for the broker, but: "
                        + pending.handle((r, e) -> r + " / " + e).join());
                long t1 = System.nanoTime();
                broker.restart();
                RecordMetadata m = pending.get(60, TimeUnit.SECONDS);
                System.out.printf("[kafka-flux] with the broker down, the quick send blocked %d ms and failed after "
                        + "%d ms; the patient one was acknowledged %d ms after the restart began (offset %d)%n",
                        blocked, failedAfter, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1), m.offset());
                assertEquals(2, m.offset(), "the lost record was never written");
            } finally {
                if (!broker.handle().isAlive()) {
                    broker.restart();
                }
            }

            StepVerifier.create(KafkaFlux.send(quick, new ProducerRecord<>("down", "k", "again")))
                    .expectNextMatches(r -> r.offset() == 3)
                    .expectComplete()
                    .verify(Duration.ofSeconds(30));
        }
    }

    @Test
    void aFailingPollEndsTheFluxWithItsErrorAfterTheRecordsBeforeIt() throws Exception {
        broker.createTopic("poison", 1);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (String v : List.of("good", "bad", "never")) {
                KafkaFlux.send(producer, new ProducerRecord<>("poison", "k", v)).block(Duration.ofSeconds(30));
            }
        }
        Deserializer<String> strict = (topic, data) -> {
            String v = new String(data, StandardCharsets.UTF_8);
            if (v.equals("bad")) {
                throw new SerializationException("a bad record");
            }
            return v;
        };
        KafkaFlux.Probe probe = new KafkaFlux.Probe();
        StepVerifier.create(KafkaFlux.receive(consumer("poison-group"), List.of("poison"), new StringDeserializer(),
                        strict, probe))
                .assertNext(r -> assertEquals("good", r.value()))
                .expectErrorSatisfies(e -> assertInstanceOf(RecordDeserializationException.class, e, e.toString()))
                .verify(Duration.ofSeconds(30));
        assertTrue(probe.awaitClosed(Duration.ofSeconds(30)), "the error closes the consumer");
        assertEquals(Map.of(new TopicPartition("poison", 0), 1L), committed("poison-group"), "the good one only");
    }

    /** Creates the topic and sends records "0" to "999" with {@link KafkaFlux#send}, keyed over ten keys. */
    private static void produce(String topic, int partitions) throws Exception {
        broker.createTopic(topic, partitions);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            List<RecordMetadata> acks = Flux.range(0, RECORDS)
                    .flatMap(i -> KafkaFlux.send(producer, new ProducerRecord<>(topic, "k" + (i % 10), "" + i)), 256)
                    .collectList()
                    .block(Duration.ofSeconds(60));
            assertEquals(RECORDS, acks == null ? 0 : acks.size());
            assertEquals(RECORDS, acks.stream().map(m -> m.partition() + "/" + m.offset()).distinct().count());
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> more) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        config.putAll(more);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static Map<String, Object> consumer(String group) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL,
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 500);
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> result = new TreeMap<>(KafkaFluxIT::compare);
            offsets.forEach((p, o) -> {
                if (o != null) {
                    result.put(p, o.offset());
                }
            });
            return result;
        }
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int c = a.topic().compareTo(b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    }

    /** Per partition the offsets ascend without gaps; per key the values (the send order) ascend. */
    private static void assertInPartitionOrder(List<ConsumerRecord<String, String>> records) {
        Map<Integer, Long> lastOffset = new TreeMap<>();
        Map<String, Integer> lastValue = new TreeMap<>();
        for (ConsumerRecord<String, String> r : records) {
            Long previous = lastOffset.put(r.partition(), r.offset());
            if (previous != null && r.offset() != previous + 1) {
                fail("partition " + r.partition() + ": offset " + r.offset() + " after " + previous);
            }
            Integer v = lastValue.put(r.key(), Integer.parseInt(r.value()));
            if (v != null && v >= Integer.parseInt(r.value())) {
                fail("key " + r.key() + ": " + r.value() + " after " + v);
            }
        }
    }

    private static Set<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toSet());
    }

    private static Set<String> all() {
        return IntStream.range(0, RECORDS).mapToObj(Integer::toString).collect(Collectors.toSet());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 30 s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }
}
