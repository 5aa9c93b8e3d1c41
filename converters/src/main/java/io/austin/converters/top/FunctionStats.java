package io.austin.converters.top;

import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.Profile;
import io.austin.converters.profile.StackTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One function's share of a profile, as a top view lists it: a function is a (file, scope) pair, whatever line
 * its samples were on. Values are of one metric of the profile (µs for time, bytes for memory).
 *
 * @param file         the source file
 * @param scope        the function's name ({@code qualname} where the interpreter gives one)
 * @param line         the lowest line any sample of the profile was on in this function
 * @param self         the metric summed over the samples whose leaf frame is in this function (own time)
 * @param total        the metric summed over the samples that have this function anywhere on their stack, each
 *                     sample counted once however deep it recurses (inclusive time)
 * @param selfSamples  how many samples {@code self} sums
 * @param totalSamples how many samples {@code total} sums
 */
public record FunctionStats(String file, String scope, long line, long self, long total, long selfSamples,
        long totalSamples) {
    private static final Comparator<FunctionStats> HOTTEST = Comparator.comparingLong(FunctionStats::self)
            .reversed().thenComparing(Comparator.comparingLong(FunctionStats::total).reversed())
            .thenComparing(FunctionStats::scope).thenComparing(FunctionStats::file);

    public FunctionStats {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(scope, "scope");
    }

    /** {@code file:line}, as Austin's text format places a frame. */
    public String where() {
        return file + ":" + line;
    }

    /** This function's own value as a share of {@code profileTotal}, in percent (0 when that is 0). */
    public double selfPercent(long profileTotal) {
        return profileTotal == 0 ? 0 : 100.0 * self / profileTotal;
    }

    /** This function's inclusive value as a share of {@code profileTotal}, in percent (0 when that is 0). */
    public double totalPercent(long profileTotal) {
        return profileTotal == 0 ? 0 : 100.0 * total / profileTotal;
    }

    /**
     * Every function of {@code profile} with its own and inclusive value of metric {@code metric} (an index into
     * {@link Profile#metrics()}), hottest first: by own value, then inclusive value, then name. Austin's markers
     * ({@code :INVALID:}, {@code :GC:}) are not functions and are left out; their samples still count in
     * {@link Profile#total(int)}, so shares are of the whole profile. Runs in time linear in the profile's cells
     * times their depth.
     */
    public static List<FunctionStats> of(Profile profile, int metric) {
        Objects.requireNonNull(profile, "profile");
        if (metric < 0 || metric >= profile.metrics().size()) {
            throw new IndexOutOfBoundsException("metric " + metric + " of " + profile.metrics().size());
        }
        FrameTable frames = profile.frames();
        StackTable stacks = profile.stacks();
        // Frames (file, scope, line) to functions (file, scope).
        Map<List<String>, Integer> ids = new HashMap<>();
        int[] functionOf = new int[frames.size()];
        List<String[]> names = new ArrayList<>();
        List<Long> firstLine = new ArrayList<>();
        for (int f = 0; f < frames.size(); f++) {
            if (frames.isMarker(f)) {
                functionOf[f] = -1;
                continue;
            }
            List<String> key = List.of(frames.file(f), frames.scope(f));
            Integer id = ids.get(key);
            if (id == null) {
                id = names.size();
                ids.put(key, id);
                names.add(new String[] {frames.file(f), frames.scope(f)});
                firstLine.add(frames.line(f));
            } else if (frames.line(f) < firstLine.get(id)) {
                firstLine.set(id, frames.line(f));
            }
            functionOf[f] = id;
        }
        int n = names.size();
        long[] self = new long[n];
        long[] total = new long[n];
        long[] selfSamples = new long[n];
        long[] totalSamples = new long[n];
        int[] seenIn = new int[n]; // the last cell (plus one) that counted a function: recursion counts once
        for (int c = 0; c < profile.cells(); c++) {
            long value = profile.value(c, metric);
            long samples = profile.samples(c);
            int stack = profile.stack(c);
            int length = stacks.length(stack);
            for (int i = 0; i < length; i++) {
                int fn = functionOf[stacks.item(stack, i)];
                if (fn >= 0 && seenIn[fn] != c + 1) {
                    seenIn[fn] = c + 1;
                    total[fn] += value;
                    totalSamples[fn] += samples;
                }
            }
            // The leaf is the last frame that is not a marker (a GC marker sits below the Python leaf).
            for (int i = length - 1; i >= 0; i--) {
                int fn = functionOf[stacks.item(stack, i)];
                if (fn >= 0) {
                    self[fn] += value;
                    selfSamples[fn] += samples;
                    break;
                }
            }
        }
        List<FunctionStats> out = new ArrayList<>(n);
        for (int fn = 0; fn < n; fn++) {
            out.add(new FunctionStats(names.get(fn)[0], names.get(fn)[1], firstLine.get(fn), self[fn], total[fn],
                    selfSamples[fn], totalSamples[fn]));
        }
        out.sort(HOTTEST);
        return out;
    }

    /** The {@code limit} hottest functions of {@link #of(Profile, int)}. */
    public static List<FunctionStats> top(Profile profile, int metric, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        List<FunctionStats> all = of(profile, metric);
        return all.size() <= limit ? all : List.copyOf(all.subList(0, limit));
    }
}
