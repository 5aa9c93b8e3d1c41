package io.austin.formats.internal;

import io.austin.formats.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a UTF-8 text input, with their numbers and whether each ended with a line feed. Buffers the stream
 * itself. A line longer than {@link #MAX_LINE_BYTES} is a {@link FormatException}. Not thread-safe. Not API.
 */
public final class LineSource {
    /** The longest line accepted, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 24;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private byte[] lineBytes = new byte[1024];
    private boolean eof;
    private long lineNumber;
    private boolean lastLineTerminated;

    /** Lines of {@code in}, which {@link #close()} closes. */
    public LineSource(InputStream in) {
        this.in = in;
    }

    /** The number of the last line read, 1-based. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Whether the last line read ended with a line feed (the last line of a cut-off input does not). */
    public boolean lastLineTerminated() {
        return lastLineTerminated;
    }

    /** The next line without its LF, or null at the end. */
    public String readLine() throws IOException {
        int n = 0;
        while (true) {
            if (pos == lim) {
                if (eof || !fill()) {
                    if (n == 0) {
                        return null;
                    }
                    lineNumber++;
                    lastLineTerminated = false;
                    return new String(lineBytes, 0, n, StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            if (n == 0 && nl >= 0) {
                pos = nl + 1;
                lineNumber++;
                lastLineTerminated = true;
                return new String(buf, start, end - start, StandardCharsets.UTF_8);
            }
            int add = end - start;
            if (n + add > MAX_LINE_BYTES) {
                throw new FormatException("line " + (lineNumber + 1) + ": longer than " + MAX_LINE_BYTES
                        + " bytes", lineNumber + 1);
            }
            if (n + add > lineBytes.length) {
                lineBytes = Arrays.copyOf(lineBytes, Math.max(lineBytes.length * 2, n + add));
            }
            System.arraycopy(buf, start, lineBytes, n, add);
            n += add;
            if (nl >= 0) {
                pos = nl + 1;
                lineNumber++;
                lastLineTerminated = true;
                return new String(lineBytes, 0, n, StandardCharsets.UTF_8);
            }
            pos = lim;
        }
    }

    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) {
            eof = true;
            return false;
        }
        lim = r;
        return true;
    }

    /** Closes the stream. */
    public void close() throws IOException {
        in.close();
    }
}
