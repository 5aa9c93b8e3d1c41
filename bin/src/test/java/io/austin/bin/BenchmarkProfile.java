package io.austin.bin;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.StackHeader;
import io.austin.formats.TimeMetric;
import io.austin.formats.mojo.MojoEventWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

/**
 * Writes a large, deterministic wall-mode MOJO v3 file for the converter benchmark (docs/bench-converters.sh):
 * four threads moving between 5000 code paths of a random call graph that share their callers, a few paths hot,
 * the leaf line varying: about 15,000 distinct stacks, as a long real profile has.
 *
 * <p>By default the file has the shape of Austin's own: frame keys are 42-bit addresses (eight bytes per frame
 * reference) and stacks 8 to 24 frames deep, so 330,000 samples take about 48 MB, like the 325,000-sample file
 * the reference tools were timed on. {@code --deep} gives small keys and 30 to 55 frames instead: about three
 * times as many frames for the same size, the harder case.
 *
 * <p>Usage: {@code BenchmarkProfile [--deep] OUTPUT [SAMPLES]} (default 330000 samples).
 */
public final class BenchmarkProfile {
    private static final int FUNCTIONS = 3000;
    private static final int FILES = 200;
    private static final int CALLEES = 4;
    private static final int THREADS = 4;
    private static final int LINES = 3;
    private static final int PATHS = 5000;
    private static final long PID = 4242;

    private BenchmarkProfile() {
    }

    public static void main(String[] args) throws IOException {
        boolean deep = args.length > 0 && args[0].equals("--deep");
        int first = deep ? 1 : 0;
        if (args.length <= first) {
            System.err.println("usage: BenchmarkProfile [--deep] OUTPUT [SAMPLES]");
            System.exit(64);
        }
        Path out = Paths.get(args[first]);
        int samples = args.length > first + 1 ? Integer.parseInt(args[first + 1]) : 330_000;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            write(os, samples, deep);
        }
        System.err.println("wrote " + samples + " samples, " + Files.size(out) + " bytes to " + out);
    }

    static void write(OutputStream os, int samples, boolean deep) throws IOException {
        int minDepth = deep ? 30 : 8;
        int depthRange = deep ? 26 : 17;
        SplittableRandom random = new SplittableRandom(20261121L);
        int[][] callees = new int[FUNCTIONS][CALLEES];
        for (int[] c : callees) {
            for (int i = 0; i < CALLEES; i++) {
                c[i] = random.nextInt(FUNCTIONS);
            }
        }
        FrameRef[][] frames = new FrameRef[FUNCTIONS][LINES];
        for (int f = 0; f < FUNCTIONS; f++) {
            String file = "/srv/app/pkg" + (f % FILES / 20) + "/module_" + (f % FILES) + ".py";
            String scope = "Class" + (f % 37) + ".function_" + f;
            for (int l = 0; l < LINES; l++) {
                Frame frame = Frame.of(file, scope, 10L + f % 500 + 7L * l);
                // Austin keys frames by address-like 42-bit numbers; without a key the writer numbers them 1, 2...
                frames[f][l] = deep ? FrameRef.of(frame) : new FrameRef(0x2D0_0000_0000L + 0x60L * (f * LINES + l),
                        frame);
            }
        }
        // Code paths as a program has them: each one extends a prefix of an earlier one, so they share callers.
        int[][] paths = new int[PATHS][];
        for (int p = 0; p < PATHS; p++) {
            int depth = minDepth + random.nextInt(depthRange);
            int[] path = new int[depth];
            int keep = 0;
            if (p > 0) {
                int[] parent = paths[random.nextInt(p)];
                keep = Math.min(parent.length, depth / 2 + random.nextInt(depth / 2));
                System.arraycopy(parent, 0, path, 0, keep);
            } else {
                path[0] = 0;
                keep = 1;
            }
            for (int d = keep; d < depth; d++) {
                path[d] = callees[path[d - 1]][random.nextInt(CALLEES)];
            }
            paths[p] = path;
        }
        int[] current = new int[THREADS];
        StackHeader[] headers = new StackHeader[THREADS];
        for (int t = 0; t < THREADS; t++) {
            headers[t] = StackHeader.of(PID, 0, 0x7f00_0000_1000L + 0x1000L * t);
            current[t] = random.nextInt(PATHS);
        }
        try (MojoEventWriter w = new MojoEventWriter(os)) {
            w.write(new Metadata("austin", "3.7.0"));
            w.write(new Metadata("interval", "1000"));
            w.write(new Metadata("mode", "wall"));
            for (int i = 0; i < samples; i++) {
                int t = i % THREADS;
                if (random.nextInt(10) < 3) {
                    // A few paths are hot: squaring a uniform number favours low indices.
                    double r = random.nextDouble();
                    current[t] = (int) (PATHS * r * r);
                }
                int[] path = paths[current[t]];
                w.write(headers[t]);
                for (int d = 0; d < path.length - 1; d++) {
                    w.write(frames[path[d]][path[d] % LINES]);
                }
                w.write(frames[path[path.length - 1]][random.nextInt(LINES)]);
                w.write(new TimeMetric(900 + random.nextInt(300)));
            }
            w.write(new Metadata("duration", Long.toString(samples * 1000L / THREADS)));
        }
    }
}
