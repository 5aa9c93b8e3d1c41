package io.austin.fleet.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;

/**
 * Kafka as Reactor streams, a thin adapter of our own over kafka-clients (reactor-kafka is discontinued).
 *
 * <p>{@link #receive} is a cold {@link Flux} of a topic's records with real backpressure: each subscription has its
 * own {@link KafkaConsumer} on its own thread, records go downstream only against demand, and while there is none
 * the consumer's partitions are paused (it keeps polling, so it stays in its group) until demand returns. Offsets
 * are committed at least once: those of records already delivered, on the consumer's thread, periodically and when
 * the subscription ends. {@link #send} is one producer send as a {@link Mono}.
 */
public final class KafkaFlux {
    /** The poll time-out when records are wanted: also how often the commit period and cancellation are checked. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** The poll time-out while paused (a new demand or a cancellation wakes the poll up at once). */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration CLOSE = Duration.ofSeconds(10);
    private static final long DEFAULT_COMMIT_MILLIS = 5_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private KafkaFlux() {
    }

    /**
     * The records of {@code topics}, read by a consumer of the group in {@code consumerConfig} ({@code group.id} is
     * required). Each subscription creates its consumer, on a thread of its own that alone uses it; records are
     * emitted on that thread, in partition order, and only as requested. At most one poll's records
     * ({@code max.poll.records}) wait in the subscription for demand; while they wait or nothing is requested, all
     * assigned partitions are paused. The subscription commits the offsets of the records it has emitted
     * (synchronously, on its thread) every {@code auto.commit.interval.ms} (Kafka's auto commit itself is turned
     * off), before partitions are revoked, and when cancelled: records emitted but not yet committed when the
     * process dies are delivered again (at least once). Cancelling closes the consumer (on its thread); a failure of
     * the consumer ends the flux with that error. The flux never completes by itself.
     *
     * <p>The deserializers are closed with the consumer: give stateless ones (as Kafka's own) if the flux is
     * subscribed to more than once, or retried.
     *
     * @param consumerConfig the consumer's configuration (bootstrap servers, group, ...)
     * @param topics the topics to subscribe to
     * @param keys the key deserializer
     * @param values the value deserializer
     * @param <K> the key type
     * @param <V> the value type
     * @return the records, as demanded
     */
    public static <K, V> Flux<ConsumerRecord<K, V>> receive(Map<String, Object> consumerConfig,
            Collection<String> topics, Deserializer<K> keys, Deserializer<V> values) {
        return receive(consumerConfig, topics, keys, values, new Probe());
    }

    /** {@link #receive(Map, Collection, Deserializer, Deserializer)}, its state reported to a probe (tests). */
    static <K, V> Flux<ConsumerRecord<K, V>> receive(Map<String, Object> consumerConfig,
            Collection<String> topics, Deserializer<K> keys, Deserializer<V> values, Probe probe) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        Object interval = config.get(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG);
        long commitMillis = interval == null ? DEFAULT_COMMIT_MILLIS : Long.parseLong(interval.toString().trim());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> subscription = List.copyOf(topics);
        return Flux.create(sink -> new Receiver<>(config, subscription, keys, values, commitMillis, probe, sink)
                .start(), FluxSink.OverflowStrategy.BUFFER);
    }

    /**
     * Sends a record: the {@link Mono} completes with its metadata once the broker has acknowledged it (as the
     * producer's {@code acks} say), or fails with the send's error (past the producer's {@code delivery.timeout.ms}
     * when the broker is unreachable). The send happens on subscription, on the subscriber's thread, which
     * {@link Producer#send} blocks at most {@code max.block.ms} (for metadata or buffer space). The result is
     * signalled on Reactor's bounded elastic scheduler, never on the producer's network thread, where a blocking
     * downstream would stall every send. Each subscription sends again.
     *
     * @param producer the producer (thread-safe; shared by any number of sends)
     * @param record the record
     * @param <K> the key type
     * @param <V> the value type
     * @return the acknowledged record's metadata
     */
    public static <K, V> Mono<RecordMetadata> send(Producer<K, V> producer, ProducerRecord<K, V> record) {
        return Mono.<RecordMetadata>create(sink -> {
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        sink.error(error);
                    } else {
                        sink.success(metadata);
                    }
                });
            } catch (RuntimeException e) {
                sink.error(e); // a closed producer, a serialization failure, max.block.ms exceeded, ...
            }
        }).publishOn(Schedulers.boundedElastic());
    }

    /**
     * What a subscription's consumer does, for the tests: records fetched (returned by polls) and emitted, whether
     * its partitions are paused, pauses and resumes, commits, and when it is closed. Written by the consumer's
     * thread, read by any.
     */
    static final class Probe {
        private final AtomicLong fetched = new AtomicLong();
        private final AtomicLong emitted = new AtomicLong();
        private final AtomicInteger pauses = new AtomicInteger();
        private final AtomicInteger resumes = new AtomicInteger();
        private final AtomicInteger commits = new AtomicInteger();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile int assigned;
        private volatile int paused;

        /** Records returned by the consumer's polls. */
        long fetched() {
            return fetched.get();
        }

        /** Records emitted downstream. */
        long emitted() {
            return emitted.get();
        }

        /** The partitions assigned to the consumer. */
        int assigned() {
            return assigned;
        }

        /** The consumer's paused partitions. */
        int paused() {
            return paused;
        }

        /** Times the consumer went from fetching to paused. */
        int pauses() {
            return pauses.get();
        }

        /** Times the consumer went from paused to fetching. */
        int resumes() {
            return resumes.get();
        }

        /** Successful offset commits. */
        int commits() {
            return commits.get();
        }

        /** Waits until the consumer is closed. */
        boolean awaitClosed(Duration timeout) throws InterruptedException {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One subscription: its consumer, the thread that owns it, and the demand the subscriber has signalled. */
    private static final class Receiver<K, V> implements ConsumerRebalanceListener {
        private final Map<String, Object> config;
        private final List<String> topics;
        private final Deserializer<K> keys;
        private final Deserializer<V> values;
        private final long commitNanos;
        private final Probe probe;
        private final FluxSink<ConsumerRecord<K, V>> sink;
        private final AtomicLong demand = new AtomicLong();
        private final ArrayDeque<ConsumerRecord<K, V>> buffer = new ArrayDeque<>();
        /** The next offsets of the records emitted since the last successful commit. */
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        private volatile Consumer<K, V> consumer;
        private volatile boolean cancelled;
        /** True while the thread polls with nothing wanted: a request or a cancellation then wakes it up. */
        private volatile boolean idle;
        private boolean paused;
        private long nextCommit;

        Receiver(Map<String, Object> config, List<String> topics, Deserializer<K> keys, Deserializer<V> values,
                long commitMillis, Probe probe, FluxSink<ConsumerRecord<K, V>> sink) {
            this.config = config;
            this.topics = topics;
            this.keys = keys;
            this.values = values;
            this.commitNanos = TimeUnit.MILLISECONDS.toNanos(commitMillis);
            this.probe = probe;
            this.sink = sink;
        }

        void start() {
            sink.onRequest(this::request);
            sink.onDispose(this::cancel);
            Thread thread = new Thread(this::run, "austin-kafka-receive-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }

        private void request(long n) {
            demand.getAndUpdate(d -> Operators.addCap(d, n));
            if (idle) {
                wakeup();
            }
        }

        private void cancel() {
            cancelled = true;
            wakeup();
        }

        private void wakeup() {
            Consumer<K, V> c = consumer;
            if (c != null) {
                try {
                    c.wakeup();
                } catch (RuntimeException e) {
                    // closed meanwhile
                }
            }
        }

        private void run() {
            Throwable failure = null;
            Consumer<K, V> c = null;
            try {
                c = new KafkaConsumer<>(config, keys, values);
                consumer = c;
                c.subscribe(topics, this);
                nextCommit = System.nanoTime() + commitNanos;
                loop(c);
            } catch (Throwable e) {
                failure = e;
            } finally {
                if (c != null) {
                    try {
                        commit(c);
                    } catch (RuntimeException e) {
                        // at least once: the records are delivered again
                    }
                    try {
                        c.close(CloseOptions.timeout(CLOSE));
                    } catch (RuntimeException e) {
                        if (failure == null && !cancelled) {
                            failure = e;
                        }
                    }
                }
                probe.closed.countDown();
                if (failure != null && !cancelled) {
                    sink.error(failure);
                }
            }
        }

        private void loop(Consumer<K, V> c) {
            while (!cancelled) {
                emit();
                if (cancelled) {
                    break;
                }
                boolean wanted = buffer.isEmpty() && demand.get() > 0;
                pause(c, !wanted);
                if (!wanted) {
                    idle = true;
                    // A request between the check above and 'idle' would not wake the poll up: look again.
                    if (demand.get() > 0 || cancelled) {
                        idle = false;
                        continue;
                    }
                }
                ConsumerRecords<K, V> records;
                try {
                    records = c.poll(wanted ? POLL : IDLE_POLL);
                } catch (WakeupException e) {
                    records = ConsumerRecords.empty();
                } finally {
                    idle = false;
                }
                for (ConsumerRecord<K, V> r : records) {
                    buffer.add(r);
                }
                probe.fetched.addAndGet(records.count());
                if (System.nanoTime() - nextCommit >= 0) {
                    commitPeriodically(c);
                }
            }
        }

        /** Emits buffered records while there is demand. */
        private void emit() {
            while (!buffer.isEmpty() && !cancelled) {
                if (demand.getAndUpdate(d -> d == Long.MAX_VALUE || d == 0 ? d : d - 1) == 0) {
                    return;
                }
                ConsumerRecord<K, V> r = buffer.poll();
                sink.next(r);
                uncommitted.put(new TopicPartition(r.topic(), r.partition()),
                        new OffsetAndMetadata(r.offset() + 1, r.leaderEpoch(), ""));
                probe.emitted.incrementAndGet();
            }
        }

        /** Pauses all assigned partitions, or resumes them. */
        private void pause(Consumer<K, V> c, boolean pause) {
            Set<TopicPartition> assignment = c.assignment();
            if (pause) {
                c.pause(assignment);
                if (!paused) {
                    probe.pauses.incrementAndGet();
                }
            } else {
                c.resume(c.paused());
                if (paused) {
                    probe.resumes.incrementAndGet();
                }
            }
            paused = pause;
            probe.assigned = assignment.size();
            probe.paused = c.paused().size();
        }

        private void commitPeriodically(Consumer<K, V> c) {
            try {
                commit(c);
            } catch (RetriableException | CommitFailedException e) {
                // kept, tried again in a period (a rebalance, a broker away)
                nextCommit = System.nanoTime() + commitNanos;
            }
        }

        /** Commits the emitted records' offsets, synchronously; a stale wakeup is absorbed. */
        private void commit(Consumer<K, V> c) {
            nextCommit = System.nanoTime() + commitNanos;
            if (uncommitted.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
            commitSync(c, offsets);
            uncommitted.keySet().removeAll(offsets.keySet());
        }

        /**
         * Commits offsets. A wakeup meant for an idle poll may instead hit this call (a request racing the poll's
         * end, or a cancellation): it is absorbed, each wakeup interrupting one call only.
         */
        private void commitSync(Consumer<K, V> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
            for (int attempt = 1; ; attempt++) {
                try {
                    c.commitSync(offsets);
                    probe.commits.incrementAndGet();
                    return;
                } catch (WakeupException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
            probe.assigned = consumer.assignment().size();
            probe.paused = consumer.paused().size();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndMetadata o = uncommitted.remove(p);
                if (o != null) {
                    offsets.put(p, o);
                }
            }
            if (!offsets.isEmpty()) {
                try {
                    commitSync(consumer, offsets);
                } catch (KafkaException e) {
                    // at least once: the partition's next owner reads them again
                }
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(uncommitted::remove);
            drop(partitions);
        }

        /** Forgets the buffered records of partitions no longer ours: their next owner reads them. */
        private void drop(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            buffer.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
        }
    }
}
