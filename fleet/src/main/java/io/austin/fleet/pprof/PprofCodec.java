package io.austin.fleet.pprof;

import com.google.protobuf.InvalidProtocolBufferException;
import io.austin.converters.pprof.proto.Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes pprof {@code Profile} messages as bytes, gzip-compressed or raw. Compressed input is recognised by
 * the gzip magic {@code 1f 8b}: a raw message cannot start with it (0x1f would be field 3 of wire type 7, which does
 * not exist).
 */
final class PprofCodec {
    private PprofCodec() {
    }

    /** Whether {@code bytes} start with the gzip magic. */
    static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
    }

    /**
     * The profile in {@code bytes}.
     *
     * @throws IllegalArgumentException when the bytes are not a (gzipped) pprof message
     */
    static Profile decode(byte[] bytes) {
        try {
            if (isGzip(bytes)) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
                    return Profile.parseFrom(in);
                }
            }
            return Profile.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a pprof profile: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a gzip-compressed pprof profile: " + e.getMessage(), e);
        }
    }

    /** The serialised profile, gzip-compressed when {@code gzip}. */
    static byte[] encode(Profile profile, boolean gzip) {
        if (!gzip) {
            return profile.toByteArray();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, profile.getSerializedSize() / 4));
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, 1 << 16)) {
            profile.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory does not fail
        }
        return bytes.toByteArray();
    }
}
