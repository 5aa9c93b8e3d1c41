package io.austin.fleet;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The labels of a window record on the windows topic, as Kafka headers (UTF-8 text). The record's key is the
 * service, its timestamp the window's start, its value the window's profile as gzip pprof.
 */
public final class WindowHeaders {
    /** The service the process belongs to (also the record key). */
    public static final String SERVICE = "service";
    /** The host the agent runs on. */
    public static final String HOST = "host";
    /** The sampled process. */
    public static final String PID = "pid";
    /** The sampling mode: wall, cpu, memory or full. */
    public static final String MODE = "mode";
    /** The process's Python version. */
    public static final String PYTHON = "python";
    /** The window's start and end, in milliseconds since the epoch. */
    public static final String START = "start";
    public static final String END = "end";
    /** How many samples the window holds. */
    public static final String SAMPLES = "samples";

    private WindowHeaders() {
    }

    /** The text of header {@code key}, or null. */
    public static String get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Adds {@code key} with {@code value} as UTF-8. */
    public static void put(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
