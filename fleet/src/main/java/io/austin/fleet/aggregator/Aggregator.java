package io.austin.fleet.aggregator;

import io.austin.fleet.WindowHeaders;
import io.austin.fleet.aggregator.MinuteSerdes.Labelled;
import io.austin.fleet.aggregator.MinuteSerdes.Minute;
import io.austin.fleet.pprof.PprofMerger;
import io.austin.fleet.store.ProfileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The aggregator, a Kafka Streams application: reads the agents' windows (key: service; timestamp: the window's
 * start; headers: the labels), merges them per service, mode and minute (event time, so late windows of a broker
 * outage still land in their minute, up to the grace period) and writes each minute's aggregate to the store as it
 * changes. Exactly-once processing: a window is merged once even across failures; the store's upsert of the whole
 * aggregate makes a repeated write harmless. The agents deliver at least once (a window whose acknowledgement was
 * lost is sent again): a window already merged, the same service, host, process, mode, start, sample count and
 * bytes, is counted as a duplicate and dropped, for as long as its minute may still change.
 */
public final class Aggregator implements AutoCloseable {
    /** The state store of the windows seen, by identity, kept as long as their minute is (the grace and a little). */
    private static final String SEEN = "seen-windows";

    /**
     * @param bootstrap     Kafka's bootstrap servers
     * @param topic         the windows topic
     * @param applicationId the Streams application id (its consumer group and internal topics' prefix)
     * @param stateDir      where Streams keeps its local state
     * @param grace         how late a window may arrive and still be merged into its minute
     * @param extra         more Streams settings
     */
    public record Config(String bootstrap, String topic, String applicationId, Path stateDir, Duration grace,
            Map<String, String> extra) {
    }

    private final KafkaStreams streams;
    private final ProfileStore store;
    private final AtomicLong windows = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    public Aggregator(Config config, ProfileStore store) {
        this.store = store;
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        p.putAll(config.extra());
        streams = new KafkaStreams(topology(config), p);
    }

    /** The processing: label, re-key by service and mode, window by minute, merge, write. */
    Topology topology(Config config) {
        Duration retention = config.grace().plus(Duration.ofMinutes(2));
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(SEEN, retention, Duration.ofMillis(1),
                false), Serdes.String(), Serdes.Long()).withCachingEnabled());
        b.stream(config.topic(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .processValues(() -> new Labeller(duplicates), SEEN)
                .selectKey((service, w) -> service + '\u0000' + w.mode())
                .groupByKey(Grouped.with("by-service-mode", Serdes.String(), MinuteSerdes.labelled()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), config.grace()))
                .aggregate(() -> Minute.EMPTY, (key, w, minute) -> merge(w, minute),
                        Materialized.<String, Minute, WindowStore<Bytes, byte[]>>as("minutes")
                                .withKeySerde(Serdes.String()).withValueSerde(MinuteSerdes.minute())
                                .withRetention(retention))
                .toStream()
                .foreach(this::write);
        return b.build();
    }

    /** Carries a record's labels (headers) into its value; drops a window seen before. */
    private static final class Labeller implements FixedKeyProcessor<String, byte[], Labelled> {
        private final AtomicLong duplicates;
        private FixedKeyProcessorContext<String, Labelled> context;
        private WindowStore<String, Long> seen;

        Labeller(AtomicLong duplicates) {
            this.duplicates = duplicates;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Labelled> c) {
            context = c;
            seen = c.getStateStore(SEEN);
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> r) {
            String host = WindowHeaders.get(r.headers(), WindowHeaders.HOST);
            String pid = WindowHeaders.get(r.headers(), WindowHeaders.PID);
            String mode = WindowHeaders.get(r.headers(), WindowHeaders.MODE);
            String samples = WindowHeaders.get(r.headers(), WindowHeaders.SAMPLES);
            if (r.key() == null || r.value() == null || mode == null) {
                return; // not a window
            }
            CRC32 crc = new CRC32();
            crc.update(r.value());
            String id = String.join("\u0000", r.key(), String.valueOf(host), String.valueOf(pid), mode,
                    String.valueOf(samples), Integer.toString(r.value().length), Long.toHexString(crc.getValue()));
            if (seen.fetch(id, r.timestamp()) != null) {
                duplicates.incrementAndGet();
                return;
            }
            seen.put(id, 1L, r.timestamp());
            context.forward(r.withValue(new Labelled(host == null ? "" : host, pid == null ? 0 : Integer.parseInt(pid),
                    mode, samples == null ? 0 : Long.parseLong(samples), r.value())));
        }
    }

    private Minute merge(Labelled w, Minute minute) {
        windows.incrementAndGet();
        PprofMerger m = new PprofMerger();
        if (minute.pprof().length > 0) {
            m.add(minute.pprof(), Map.of());
        }
        m.add(w.pprof(), Map.of("host", w.host()));
        return new Minute(minute.windows() + 1, m.toBytes(false));
    }

    private void write(Windowed<String> key, Minute minute) {
        if (minute == null || minute.pprof().length == 0) {
            return;
        }
        String[] parts = key.key().split("\u0000", 2);
        PprofMerger m = new PprofMerger();
        m.add(minute.pprof(), Map.of());
        ProfileStore.Row row = new ProfileStore.Row(parts[0], Instant.ofEpochMilli(key.window().start()), parts[1],
                m.sampleTypes(), m.totals(), minute.windows(), m.toBytes(true));
        synchronized (store) {
            try {
                store.upsert(row);
            } catch (java.sql.SQLException e) {
                // Streams retries the task from its last commit: the aggregate is written again.
                throw new IllegalStateException("cannot write " + parts[0] + " at " + row.minute() + ": "
                        + e.getMessage(), e);
            }
        }
        writes.incrementAndGet();
    }

    /** Windows merged, rows written and duplicate windows dropped since the start. */
    public long[] counts() {
        return new long[] {windows.get(), writes.get(), duplicates.get()};
    }

    public void start() {
        streams.start();
    }

    /** The Streams state (RUNNING once it consumes). */
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
