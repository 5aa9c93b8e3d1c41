package io.austin.formats.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The growable output buffer of the writers: callers reserve room, write bytes straight into the array and set the
 * new length; the buffer goes to the stream when it passes a threshold, on {@link #flush()} and on
 * {@link #close()}. Not thread-safe. Not API.
 */
public final class ByteSink {
    /** The buffer is written out once it holds this many bytes. */
    public static final int THRESHOLD = 1 << 16;

    private final OutputStream out;
    private byte[] buf = new byte[THRESHOLD + 4096];
    private int len;
    private long drains;

    /** A sink in front of {@code out}, which {@link #close()} closes. */
    public ByteSink(OutputStream out) {
        this.out = out;
    }

    /** Makes room for {@code n} more bytes and returns the array to write them into, at {@link #length()}. */
    public byte[] room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        return buf;
    }

    /** How many bytes are buffered. */
    public int length() {
        return len;
    }

    /** Sets how many bytes are buffered, after writing into {@link #room}'s array. */
    public void length(int n) {
        len = n;
    }

    /** Appends one byte. */
    public void put(byte b) {
        room(1)[len++] = b;
    }

    /** Appends bytes. */
    public void put(byte[] b, int off, int n) {
        System.arraycopy(b, off, room(n), len, n);
        len += n;
    }

    /** Writes the buffer to the stream if it holds at least {@link #THRESHOLD} bytes. */
    public void drainIfFull() throws IOException {
        if (len >= THRESHOLD) {
            drain();
        }
    }

    /** Writes the buffer to the stream. */
    public void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
            drains++;
        }
    }

    /**
     * How many times the buffer was written out: bytes appended since a value was read are still in the buffer, at
     * the same offsets, as long as it has not changed.
     */
    public long drains() {
        return drains;
    }

    /** Appends a copy of bytes already in the buffer, at {@code [off, off + n)}. */
    public void copyWithin(int off, int n) {
        byte[] b = room(n);
        System.arraycopy(b, off, b, len, n);
        len += n;
    }

    /** Writes the buffer and flushes the stream. */
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Writes the buffer, flushes and closes the stream. */
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}
