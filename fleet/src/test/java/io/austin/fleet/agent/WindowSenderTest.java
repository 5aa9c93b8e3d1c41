package io.austin.fleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A window's two records fail apart: whichever was acknowledged is not sent again (with Kafka's MockProducer, whose
 * sends complete or fail one by one when told to).
 */
class WindowSenderTest {
    private static final Window WINDOW = new Window("api", "host-a", 4242, "wall", "3.12.1", 1_700_000_000_000L,
            1_700_000_010_000L, 10, new byte[200], new byte[120]);

    @Test
    void aFailedPprofRecordIsResentAloneAndTheOtlpRecordOnce() throws Exception {
        assertResendsOnly("austin.windows", true);
    }

    @Test
    void aFailedOtlpRecordIsResentAloneAndThePprofRecordOnce() throws Exception {
        assertResendsOnly("otlp_profiles", false);
    }

    private static void assertResendsOnly(String topic, boolean pprofFails) throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        try (WindowSender sender = new WindowSender(producer, "austin.windows", "otlp_profiles", 10)) {
            sender.offer(WINDOW);
            awaitSends(producer, 2);
            List<String> first = topics(producer.history());
            assertEquals(List.of("austin.windows", "otlp_profiles"), first, "pprof, then OTLP");
            if (pprofFails) {
                producer.errorNext(new TimeoutException("delivery timed out"));
                producer.completeNext();
            } else {
                producer.completeNext();
                producer.errorNext(new TimeoutException("delivery timed out"));
            }
            awaitSends(producer, 3);
            assertEquals(topic, producer.history().get(2).topic(), "only the failed record again");
            assertTrue(producer.completeNext());
            assertEquals(0, sender.drain(10_000), "acknowledged");
            assertEquals(List.of("austin.windows", "otlp_profiles", topic), topics(producer.history()),
                    "each record stored once: " + topics(producer.history()));
            assertEquals(1, sender.stats().acked().get("api")[0]);
        }
    }

    private static void awaitSends(MockProducer<String, byte[]> producer, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (producer.history().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, producer.history().size(), "sends so far: " + topics(producer.history()));
    }

    private static List<String> topics(List<ProducerRecord<String, byte[]>> records) {
        return records.stream().map(ProducerRecord::topic).toList();
    }
}
