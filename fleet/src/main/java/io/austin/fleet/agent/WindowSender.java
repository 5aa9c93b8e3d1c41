package io.austin.fleet.agent;

import io.austin.fleet.WindowHeaders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes windows to the windows topic from a bounded buffer, on its own thread, so that sampling never waits
 * for Kafka. When the buffer is full the oldest window is dropped and counted. A window leaves the buffer only
 * when the broker has acknowledged it; a failed send (broker unreachable past the producer's delivery time-out)
 * puts it back at the front and is retried after a pause: windows are resent once the broker is back. The producer
 * is idempotent, so its own retries never store a record twice; a window resent after a failed send is stored twice
 * only when the broker kept a record whose acknowledgement it never sent (at least once; the aggregator merges such a
 * copy once, by the window's identity). A window that carries OTLP
 * profiles is two records, its pprof on the windows topic and its OTLP request on the OTLP topic: it counts as
 * acknowledged when both are, and a resend sends only the records not yet acknowledged, either of them.
 */
final class WindowSender implements AutoCloseable {
    /** Acknowledged windows, samples and bytes, and dropped windows and samples, per service. */
    record Stats(Map<String, long[]> acked, Map<String, long[]> dropped, int buffered) {
    }

    private static final int BATCH = 64;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String otlpTopic;
    private final int capacity;
    /** Windows with one of their two records acknowledged and the other not yet (identity): each is sent once. */
    private final Set<Window> pprofAcked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Window> otlpAcked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<Window> buffer = new ArrayDeque<>();
    private final Map<String, long[]> acked = new TreeMap<>();
    private final Map<String, long[]> dropped = new TreeMap<>();
    private final Thread thread;
    private volatile boolean closing;
    private int inFlight;
    private volatile long retryMillis = 1_000;

    WindowSender(Producer<String, byte[]> producer, String topic, int capacity) {
        this(producer, topic, null, capacity);
    }

    /** With {@code otlpTopic} non-null, windows that carry OTLP profiles are published there too. */
    WindowSender(Producer<String, byte[]> producer, String topic, String otlpTopic, int capacity) {
        this.producer = producer;
        this.topic = topic;
        this.otlpTopic = otlpTopic;
        this.capacity = capacity;
        this.thread = new Thread(this::run, "austin-agent-sender");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a window; never blocks. A full buffer drops its oldest window. */
    void offer(Window w) {
        synchronized (buffer) {
            if (buffer.size() >= capacity) {
                Window old = buffer.pollFirst();
                pprofAcked.remove(old); // one of its records may be in; the window counts as dropped all the same
                otlpAcked.remove(old);
                long[] d = dropped.computeIfAbsent(old.service(), s -> new long[2]);
                d[0]++;
                d[1] += old.samples();
            }
            buffer.addLast(w);
            buffer.notifyAll();
        }
    }

    Stats stats() {
        synchronized (buffer) {
            return new Stats(copy(acked), copy(dropped), buffer.size() + inFlight);
        }
    }

    private static Map<String, long[]> copy(Map<String, long[]> m) {
        Map<String, long[]> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    private void run() {
        while (true) {
            List<Window> batch = new ArrayList<>();
            synchronized (buffer) {
                while (buffer.isEmpty() && !closing) {
                    try {
                        buffer.wait(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (buffer.isEmpty()) {
                    buffer.notifyAll();
                    return;
                }
                while (batch.size() < BATCH && !buffer.isEmpty()) {
                    batch.add(buffer.pollFirst()); // in flight: out of the buffer, so never dropped
                }
                inFlight = batch.size();
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<Future<RecordMetadata>> sentOtlp = new ArrayList<>();
            for (Window w : batch) {
                boolean pprofDone;
                boolean otlpDone;
                synchronized (buffer) {
                    pprofDone = pprofAcked.contains(w);
                    otlpDone = otlpAcked.contains(w) || otlpTopic == null || w.otlp() == null;
                }
                sent.add(pprofDone ? null : producer.send(record(topic, w, w.pprof())));
                sentOtlp.add(otlpDone ? null : producer.send(record(otlpTopic, w, w.otlp())));
            }
            List<Window> failed = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    boolean pprofOk = acknowledged(sent.get(i));
                    boolean otlpOk = acknowledged(sentOtlp.get(i));
                    synchronized (buffer) {
                        if (pprofOk && sent.get(i) != null) {
                            pprofAcked.add(batch.get(i));
                        }
                        if (otlpOk && sentOtlp.get(i) != null) {
                            otlpAcked.add(batch.get(i));
                        }
                    }
                    if (!pprofOk || !otlpOk) {
                        failed.add(batch.get(i));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            synchronized (buffer) {
                for (Window w : batch) {
                    if (!failed.contains(w)) {
                        pprofAcked.remove(w);
                        otlpAcked.remove(w);
                        long[] a = acked.computeIfAbsent(w.service(), s -> new long[3]);
                        a[0]++;
                        a[1] += w.samples();
                        a[2] += w.pprof().length;
                    }
                }
                for (int i = failed.size() - 1; i >= 0; i--) {
                    buffer.addFirst(failed.get(i)); // back at the front, in their order, for the next try
                }
                inFlight = 0;
                buffer.notifyAll();
            }
            if (!failed.isEmpty()) {
                System.err.println("austin-agent: " + failed.size() + " windows not acknowledged by the broker; "
                        + "kept, retrying");
                try {
                    Thread.sleep(retryMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Whether a send was acknowledged (null: nothing to send); waits for it. */
    private static boolean acknowledged(Future<RecordMetadata> f) throws InterruptedException {
        if (f == null) {
            return true;
        }
        try {
            f.get(10, TimeUnit.MINUTES);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static ProducerRecord<String, byte[]> record(String topic, Window w, byte[] value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, w.start(), w.service(), value);
        WindowHeaders.put(r.headers(), WindowHeaders.SERVICE, w.service());
        WindowHeaders.put(r.headers(), WindowHeaders.HOST, w.host());
        WindowHeaders.put(r.headers(), WindowHeaders.PID, Integer.toString(w.pid()));
        WindowHeaders.put(r.headers(), WindowHeaders.MODE, w.mode());
        WindowHeaders.put(r.headers(), WindowHeaders.PYTHON, w.python());
        WindowHeaders.put(r.headers(), WindowHeaders.START, Long.toString(w.start()));
        WindowHeaders.put(r.headers(), WindowHeaders.END, Long.toString(w.end()));
        WindowHeaders.put(r.headers(), WindowHeaders.SAMPLES, Long.toString(w.samples()));
        return r;
    }

    /**
     * Sends what is buffered, waiting up to {@code waitMillis} for the broker to acknowledge it, then stops. Returns
     * how many windows are left unsent.
     */
    int drain(long waitMillis) {
        long deadline = System.currentTimeMillis() + waitMillis;
        retryMillis = 200;
        synchronized (buffer) {
            while ((!buffer.isEmpty() || inFlight > 0) && System.currentTimeMillis() < deadline) {
                try {
                    buffer.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return buffer.size() + inFlight;
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (buffer) {
            buffer.notifyAll();
        }
        thread.interrupt();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
