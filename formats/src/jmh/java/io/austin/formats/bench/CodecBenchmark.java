package io.austin.formats.bench;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventReader;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEvents;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoEventWriter;
import io.austin.formats.mojo.MojoWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-file codec throughput on an Austin-like MOJO profile: 4 threads, stacks 8 to 40 deep drawn from 600
 * frames, 100k samples (about 17 MB). One operation = the whole file; MB/s = file size / time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    static final int SAMPLES = 100_000;

    byte[] mojo;
    List<StackEvent> events;
    List<ProfileEvent> samples;
    long eventCount;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        events = generate(SAMPLES, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MojoEventWriter w = new MojoEventWriter(out)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        mojo = out.toByteArray();
        // Decode once so the event list carries the definitions, like a real file's events.
        events = new ArrayList<>();
        try (MojoReader r = new MojoReader(new ByteArrayInputStream(mojo))) {
            for (StackEvent e = r.next(); e != null; e = r.next()) {
                events.add(e);
            }
        }
        eventCount = events.size();
        samples = new ArrayList<>();
        try (ProfileEventReader r = StackEvents.samples(new MojoReader(new ByteArrayInputStream(mojo)))) {
            for (ProfileEvent e = r.next(); e != null; e = r.next()) {
                samples.add(e);
            }
        }
        System.out.printf("%nMOJO input: %d bytes, %d events, %d samples%n", mojo.length, eventCount, SAMPLES);
    }

    /** An Austin-like sample stream with address-derived keys. */
    static List<StackEvent> generate(int samples, long seed) {
        Random random = new Random(seed);
        Frame[] frames = new Frame[600];
        long[] keys = new long[frames.length];
        for (int i = 0; i < frames.length; i++) {
            String file = "/usr/lib/python3.11/site-packages/pkg" + (i % 37) + "/module" + (i % 11) + ".py";
            frames[i] = new Frame(file, "Class" + (i % 23) + ".method_" + i, 10 + i * 7L, 10 + i * 7L, 5, 30);
            keys[i] = ((0x7f00000L + i * 208L & 0x7FFFFFF) << 16) | (i * 2L & 0xFFFF);
        }
        int[][] stacks = new int[64][];
        for (int s = 0; s < stacks.length; s++) {
            stacks[s] = new int[8 + random.nextInt(33)];
            for (int d = 0; d < stacks[s].length; d++) {
                stacks[s][d] = random.nextInt(frames.length);
            }
        }
        List<StackEvent> out = new ArrayList<>();
        out.add(new Metadata("austin", "3.7.0"));
        out.add(new Metadata("interval", "100"));
        out.add(new Metadata("mode", "wall"));
        StackHeader[] threads = new StackHeader[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = StackHeader.of(4242, 0, 4242 + t);
        }
        for (int i = 0; i < samples; i++) {
            out.add(threads[i % threads.length]);
            for (int f : stacks[random.nextInt(stacks.length)]) {
                out.add(new FrameRef(keys[f], frames[f]));
            }
            out.add(new TimeMetric(90 + random.nextInt(40)));
        }
        out.add(new Metadata("duration", "10000000"));
        return out;
    }

    static final class Discard extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    @Benchmark
    public long decodeMojo() throws IOException {
        long n = 0;
        try (MojoReader r = new MojoReader(new ByteArrayInputStream(mojo))) {
            while (r.next() != null) {
                n++;
            }
        }
        return n;
    }

    /** Decoding with the events assembled into whole samples, as every consumer now reads. */
    @Benchmark
    public long decodeSamples() throws IOException {
        long n = 0;
        try (ProfileEventReader r = StackEvents.samples(new MojoReader(new ByteArrayInputStream(mojo)))) {
            while (r.next() != null) {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    public long encodeMojo() throws IOException {
        Discard out = new Discard();
        try (MojoEventWriter w = new MojoEventWriter(out)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.count;
    }

    /** Whole samples to MOJO, definitions generated as Austin writes them. */
    @Benchmark
    public long encodeSamples() throws IOException {
        Discard out = new Discard();
        try (MojoWriter w = new MojoWriter(out)) {
            for (ProfileEvent e : samples) {
                w.write(e);
            }
        }
        return out.count;
    }

    @Benchmark
    public long renderText() throws IOException {
        Discard out = new Discard();
        try (CollapsedWriter w = new CollapsedWriter(out, CollapsedWriter.Layout.PLAIN)) {
            for (ProfileEvent e : samples) {
                w.write(e);
            }
        }
        return out.count;
    }

    @Benchmark
    public long decodeMojoAndRenderText() throws IOException {
        Discard out = new Discard();
        try (ProfileEventReader r = StackEvents.samples(new MojoReader(new ByteArrayInputStream(mojo)));
                CollapsedWriter w = new CollapsedWriter(out, CollapsedWriter.Layout.PLAIN)) {
            for (ProfileEvent e = r.next(); e != null; e = r.next()) {
                w.write(e);
            }
        }
        return out.count;
    }
}
