package io.austin.converters.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Append-only varint streams that keep one block each in memory and spill full blocks to a single temporary file,
 * so that what a converter must hold until the end (speedscope samples) costs disk, not heap. The file is created
 * on the first spill, opened delete-on-close (on Linux the JDK unlinks it right away, so nothing is left behind even
 * if the JVM is killed) and released by {@link #close()}. Not API; not thread-safe.
 */
public final class SpillStore implements Closeable {
    /** The default block size: small enough for thousands of streams, large enough for few writes. */
    public static final int DEFAULT_BLOCK = 16 * 1024;

    private final int blockSize;
    private final Path directory;
    private FileChannel file;
    private long fileSize;

    /** A store with {@link #DEFAULT_BLOCK} blocks in the default temporary directory. */
    public SpillStore() {
        this(DEFAULT_BLOCK, null);
    }

    /**
     * @param blockSize bytes per block (at least 16)
     * @param directory where the temporary file goes, or null for {@code java.io.tmpdir}
     */
    public SpillStore(int blockSize, Path directory) {
        if (blockSize < 16) {
            throw new IllegalArgumentException("block size " + blockSize + " < 16");
        }
        this.blockSize = blockSize;
        this.directory = directory;
    }

    /** A new, empty stream. */
    public Stream newStream() {
        return new Stream();
    }

    /** Whether anything was spilled to disk. */
    public boolean spilled() {
        return file != null;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    private long spill(byte[] block, int length) throws IOException {
        if (file == null) {
            Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
            Path p = Files.createTempFile(dir, "austin-convert-", ".spill");
            file = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
        long at = fileSize;
        ByteBuffer b = ByteBuffer.wrap(block, 0, length);
        long pos = at;
        while (b.hasRemaining()) {
            pos += file.write(b, pos);
        }
        fileSize = pos;
        return at;
    }

    private void read(long at, byte[] into, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, length);
        long pos = at;
        while (b.hasRemaining()) {
            int n = file.read(b, pos);
            if (n < 0) {
                throw new IOException("spill file truncated");
            }
            pos += n;
        }
    }

    /** One append-only stream of varints. */
    public final class Stream {
        private byte[] block = new byte[blockSize];
        private int length;
        /** Spilled blocks: file offset and length, pairs. */
        private long[] spilled = new long[8];
        private int spilledCount;

        /** Appends an unsigned varint (a non-negative value). */
        public void writeVarint(long value) throws IOException {
            if (length + 10 > blockSize) {
                if (spilledCount * 2 + 2 > spilled.length) {
                    spilled = Arrays.copyOf(spilled, spilled.length * 2);
                }
                spilled[spilledCount * 2] = spill(block, length);
                spilled[spilledCount * 2 + 1] = length;
                spilledCount++;
                length = 0;
            }
            long v = value;
            while ((v & ~0x7FL) != 0) {
                block[length++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            block[length++] = (byte) v;
        }

        /** Appends a signed value, zig-zag encoded. */
        public void writeSigned(long value) throws IOException {
            writeVarint((value << 1) ^ (value >> 63));
        }

        /** A reader from the start; the stream must not be written while it is read. */
        public Reader reader() {
            return new Reader(this);
        }
    }

    /** Reads a stream back from its start. */
    public final class Reader {
        private final Stream stream;
        private byte[] buffer;
        private int pos;
        private int limit;
        private int nextBlock;

        private Reader(Stream stream) {
            this.stream = stream;
        }

        /** Whether another value follows. */
        public boolean hasNext() throws IOException {
            while (pos == limit) {
                if (nextBlock < stream.spilledCount) {
                    int len = (int) stream.spilled[nextBlock * 2 + 1];
                    if (buffer == null || buffer == stream.block) {
                        buffer = new byte[blockSize];
                    }
                    read(stream.spilled[nextBlock * 2], buffer, len);
                    pos = 0;
                    limit = len;
                    nextBlock++;
                } else if (nextBlock == stream.spilledCount) {
                    buffer = stream.block;
                    pos = 0;
                    limit = stream.length;
                    nextBlock++;
                } else {
                    return false;
                }
            }
            return true;
        }

        /** The next unsigned varint; call {@link #hasNext()} first. */
        public long readVarint() throws IOException {
            if (!hasNext()) {
                throw new IOException("spill stream exhausted");
            }
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = buffer[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        /** The next zig-zag value. */
        public long readSigned() throws IOException {
            long v = readVarint();
            return (v >>> 1) ^ -(v & 1);
        }
    }
}
