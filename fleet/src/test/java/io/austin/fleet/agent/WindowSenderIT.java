package io.austin.fleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.fleet.KafkaBroker;
import io.austin.fleet.kafka.KafkaFlux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's buffer with the broker gone (a real broker, killed): offering never blocks, the buffer stays within its
 * capacity by dropping its oldest windows (counted), and once the broker is back every window not dropped is sent,
 * on both topics (pprof and OTLP), each exactly once (a record that failed apart from its window's other record is
 * resent alone: {@code WindowSenderTest}).
 */
class WindowSenderIT {
    @TempDir
    Path tmp;

    @Test
    void boundedWhileTheBrokerIsDownAndResentWhenItIsBack() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
            broker.createTopic("austin.windows", 1);
            broker.createTopic("otlp_profiles", 1);
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000),
                    new StringSerializer(), new ByteArraySerializer());
            try (WindowSender sender = new WindowSender(producer, "austin.windows", "otlp_profiles", 20)) {
                sender.offer(window(0));
                assertEquals(0, sender.drain(30_000), "the first window goes through");
                broker.kill();
                int offered = 300;
                long t0 = System.nanoTime();
                for (int i = 1; i <= offered; i++) {
                    sender.offer(window(i));
                }
                long micros = (System.nanoTime() - t0) / 1000;
                WindowSender.Stats down = sender.stats();
                long dropped = down.dropped().get("api")[0];
                assertTrue(down.buffered() <= 20 + 64, "bounded: " + down.buffered() + " held");
                assertTrue(dropped >= offered - 20 - 64, dropped + " dropped");
                assertEquals(dropped * 10, down.dropped().get("api")[1], "their samples counted too");
                assertTrue(micros < 200_000, "offering " + offered + " windows took " + micros + " us");
                broker.restart();
                assertEquals(0, sender.drain(120_000), "everything kept is sent once the broker is back");
                WindowSender.Stats up = sender.stats();
                assertEquals(offered + 1 - dropped, up.acked().get("api")[0], "sent = offered - dropped");
                System.out.printf("[fleet] broker down: %d windows offered in %d us, %d dropped, %d kept and sent "
                        + "after the restart%n", offered, micros, dropped, offered - dropped);
                List<Long> pprof = starts(broker, "austin.windows", up.acked().get("api")[0]);
                List<Long> otlp = starts(broker, "otlp_profiles", up.acked().get("api")[0]);
                assertEquals(up.acked().get("api")[0], pprof.size(), "pprof records: " + pprof);
                // The two records of a window fail apart (a broker that lost records in its unclean restart answers
                // OUT_OF_ORDER_SEQUENCE_NUMBER to some sends): the one that failed is resent later, alone, so the
                // two topics may order a window differently; each holds every window once.
                assertEquals(pprof.stream().sorted().toList(), otlp.stream().sorted().toList(),
                        "the same windows as OTLP records: pprof " + pprof + ", OTLP " + otlp);
                assertEquals(pprof.stream().distinct().count(), pprof.size(), "no window twice");
                assertEquals(otlp.stream().distinct().count(), otlp.size(), "no OTLP record twice");
            }
        }
    }

    /** The window starts of the records on {@code topic} (their timestamps), in order. */
    private static List<Long> starts(KafkaBroker broker, String topic, long count) {
        List<ConsumerRecord<String, byte[]>> records = KafkaFlux.receive(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG,
                "sender-it-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), List.of(topic),
                new StringDeserializer(), new ByteArrayDeserializer())
                .take(Duration.ofSeconds(5)) // longer than needed: a duplicate would arrive too
                .collectList().block(Duration.ofSeconds(30));
        return records.stream().map(ConsumerRecord::timestamp).toList();
    }

    private static Window window(int i) {
        return new Window("api", "host-a", 4242, "wall", "3.12.1", 1_700_000_000_000L + i * 10_000L,
                1_700_000_010_000L + i * 10_000L, 10, new byte[200], new byte[120]);
    }
}
