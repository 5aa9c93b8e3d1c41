package io.austin.fleet.aggregator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The aggregator's values on its internal topics and in its state: plain length-prefixed binary. */
final class MinuteSerdes {
    /** A window with the labels it carried as record headers. */
    record Labelled(String host, int pid, String mode, long samples, byte[] pprof) {
    }

    /** A minute's aggregate so far: the windows merged and their merged profile (raw pprof, samples/count first). */
    record Minute(long windows, byte[] pprof) {
        static final Minute EMPTY = new Minute(0, new byte[0]);
    }

    private MinuteSerdes() {
    }

    static Serde<Labelled> labelled() {
        Serializer<Labelled> ser = (topic, v) -> bytes(out -> {
            out.writeUTF(v.host());
            out.writeInt(v.pid());
            out.writeUTF(v.mode());
            out.writeLong(v.samples());
            out.writeInt(v.pprof().length);
            out.write(v.pprof());
        });
        Deserializer<Labelled> de = (topic, b) -> read(b, in -> {
            String host = in.readUTF();
            int pid = in.readInt();
            String mode = in.readUTF();
            long samples = in.readLong();
            byte[] p = new byte[in.readInt()];
            in.readFully(p);
            return new Labelled(host, pid, mode, samples, p);
        });
        return Serdes.serdeFrom(ser, de);
    }

    static Serde<Minute> minute() {
        Serializer<Minute> ser = (topic, v) -> bytes(out -> {
            out.writeLong(v.windows());
            out.writeInt(v.pprof().length);
            out.write(v.pprof());
        });
        Deserializer<Minute> de = (topic, b) -> read(b, in -> {
            long windows = in.readLong();
            byte[] p = new byte[in.readInt()];
            in.readFully(p);
            return new Minute(windows, p);
        });
        return Serdes.serdeFrom(ser, de);
    }

    private interface Writing {
        void to(DataOutputStream out) throws IOException;
    }

    private interface Reading<T> {
        T from(DataInputStream in) throws IOException;
    }

    private static byte[] bytes(Writing w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            w.to(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static <T> T read(byte[] b, Reading<T> r) {
        if (b == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            return r.from(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
