package io.austin.formats.collapsed.compat;

import io.austin.formats.Compat;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEventReader;
import io.austin.formats.collapsed.CollapsedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The reference pipeline for MOJO input, literally: the events are printed as mojo2austin prints them and that
 * text is read back as austin2speedscope/austin2pprof read it (1.7.1: first sample lost, marker samples dropped,
 * {@code ;L<digits>} rewritten...; 2.2.0: markers dropped by its mojo2austin). Done in bounded memory, without a
 * thread: the text is produced as the reader pulls it.
 */
final class ReferencePipeline {
    private ReferencePipeline() {
    }

    /**
     * A reader of the events the reference text tools of {@code compat} would see; closing it closes
     * {@code source}. 1.7.1 reads its mojo2austin's text with its quirks; 2.2.0 reads without losses.
     */
    static StackEventReader reader(StackEventReader source, Compat compat) {
        TextStream text = new TextStream(source, compat);
        return compat == Compat.AUSTIN_PYTHON_1_7 ? new ReferenceTextReader(text) : new CollapsedReader(text);
    }

    /** mojo2austin 1.7.1 text of the source's events, produced on demand. */
    private static final class TextStream extends InputStream {
        private final StackEventReader source;
        private final Buffer buffer = new Buffer();
        private final ReferenceTextWriter writer;
        private int pos;
        private boolean done;

        TextStream(StackEventReader source, Compat compat) {
            this.source = source;
            this.writer = new ReferenceTextWriter(buffer, compat);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == buffer.length) {
                if (done) {
                    return -1;
                }
                buffer.length = 0;
                pos = 0;
                // The writer drains in large chunks: feed events until some text comes out.
                while (buffer.length == 0 && !done) {
                    StackEvent e = source.next();
                    if (e == null) {
                        writer.finish();
                        done = true;
                    } else {
                        writer.write(e);
                    }
                }
            }
            int n = Math.min(len, buffer.length - pos);
            System.arraycopy(buffer.bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

    /** What the writer drains, read back by {@link TextStream}. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[1 << 16];
        int length;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }
    }
}
