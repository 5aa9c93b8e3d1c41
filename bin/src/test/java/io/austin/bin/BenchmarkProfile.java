package io.austin.bin;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import io.austin.formats.mojo.MojoWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

/**
 * Writes a large, deterministic wall-mode MOJO v3 file for the converter benchmark (docs/bench-converters.sh):
 * a few threads each walking a fixed random call graph, so that stacks are deep (about 40 frames) and change a
 * little from one sample to the next, as real ones do.
 *
 * <p>Usage: {@code BenchmarkProfile OUTPUT [SAMPLES]} (default 330000 samples, about 45 MB).
 */
public final class BenchmarkProfile {
    private static final int FUNCTIONS = 3000;
    private static final int FILES = 200;
    private static final int CALLEES = 4;
    private static final int THREADS = 4;
    private static final long PID = 4242;

    private BenchmarkProfile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BenchmarkProfile OUTPUT [SAMPLES]");
            System.exit(64);
        }
        Path out = Paths.get(args[0]);
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 330_000;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            write(os, samples);
        }
        System.err.println("wrote " + samples + " samples, " + Files.size(out) + " bytes to " + out);
    }

    static void write(OutputStream os, int samples) throws IOException {
        SplittableRandom random = new SplittableRandom(20261121L);
        int[][] callees = new int[FUNCTIONS][CALLEES];
        for (int[] c : callees) {
            for (int i = 0; i < CALLEES; i++) {
                c[i] = random.nextInt(FUNCTIONS);
            }
        }
        Frame[][] frames = new Frame[FUNCTIONS][3];
        for (int f = 0; f < FUNCTIONS; f++) {
            String file = "/srv/app/pkg" + (f % FILES / 20) + "/module_" + (f % FILES) + ".py";
            String scope = "Class" + (f % 37) + ".function_" + f;
            for (int l = 0; l < 3; l++) {
                frames[f][l] = Frame.of(file, scope, 10L + f % 500 + 7L * l);
            }
        }
        int[][] stacks = new int[THREADS][80];
        int[][] lines = new int[THREADS][80];
        int[] depth = new int[THREADS];
        StackHeader[] headers = new StackHeader[THREADS];
        for (int t = 0; t < THREADS; t++) {
            headers[t] = StackHeader.of(PID, 0, 0x7f00_0000_1000L + 0x1000L * t);
            stacks[t][0] = t;
            depth[t] = 1;
        }
        try (MojoWriter w = new MojoWriter(os)) {
            w.write(new Metadata("austin", "3.7.0"));
            w.write(new Metadata("interval", "1000"));
            w.write(new Metadata("mode", "wall"));
            for (int i = 0; i < samples; i++) {
                int t = i % THREADS;
                int[] s = stacks[t];
                int[] ln = lines[t];
                if (random.nextInt(2) == 0) {
                    ln[depth[t] - 1] = random.nextInt(3);
                } else {
                    depth[t] = Math.max(1, depth[t] - random.nextInt(5));
                    int target = 30 + random.nextInt(21);
                    while (depth[t] < target) {
                        s[depth[t]] = callees[s[depth[t] - 1]][random.nextInt(CALLEES)];
                        ln[depth[t]] = random.nextInt(3);
                        depth[t]++;
                    }
                }
                w.write(headers[t]);
                for (int d = 0; d < depth[t]; d++) {
                    w.write(FrameRef.of(frames[s[d]][ln[d]]));
                }
                w.write(new TimeMetric(900 + random.nextInt(300)));
            }
            w.write(new Metadata("duration", Long.toString(samples * 1000L / THREADS)));
        }
    }
}
