package io.austin.bin;

import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.Profile;
import io.austin.converters.profile.StackTable;
import io.austin.converters.top.FunctionStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one thread did over some seconds, at the granularity of functions: each function's own and inclusive value of
 * every metric ({@link FunctionStats} of the seconds' profiles), and each call path's value (root first, for the
 * callers view). Tallies of disjoint samples add up exactly, which is how austin-top slides and accumulates its
 * windows without keeping samples. Not thread-safe.
 */
final class TopTally {
    /** A function, as {@link FunctionStats} tells them apart: file and name, whatever the line. */
    record Fn(String file, String scope) {
    }

    /** A function's sums: the lowest line seen, own and inclusive value per metric. */
    static final class Cost {
        long line = Long.MAX_VALUE;
        final long[] self = new long[4];
        final long[] total = new long[4];

        private void add(long otherLine, long[] otherSelf, long[] otherTotal) {
            line = Math.min(line, otherLine);
            for (int m = 0; m < 4; m++) {
                self[m] += otherSelf[m];
                total[m] += otherTotal[m];
            }
        }
    }

    final Map<Fn, Cost> functions = new HashMap<>();
    /** Call paths at function granularity (markers left out), root first, with their value per metric. */
    final Map<List<Fn>, long[]> paths = new HashMap<>();
    /** The value of every sample per metric, markers included: the 100 % of the shares. */
    final long[] totals = new long[4];
    long samples;

    /** The tally of a profile of one thread. */
    static TopTally of(Profile profile) {
        TopTally t = new TopTally();
        int metrics = profile.metrics().size();
        for (int m = 0; m < metrics; m++) {
            for (FunctionStats f : FunctionStats.of(profile, m)) {
                Cost c = t.functions.computeIfAbsent(new Fn(f.file(), f.scope()), k -> new Cost());
                c.line = Math.min(c.line, f.line());
                c.self[m] += f.self();
                c.total[m] += f.total();
            }
            t.totals[m] = profile.total(m);
        }
        FrameTable frames = profile.frames();
        StackTable stacks = profile.stacks();
        Map<Integer, List<Fn>> pathOfStack = new HashMap<>();
        for (int c = 0; c < profile.cells(); c++) {
            List<Fn> path = pathOfStack.computeIfAbsent(profile.stack(c), s -> {
                List<Fn> p = new ArrayList<>(stacks.length(s));
                for (int i = 0; i < stacks.length(s); i++) {
                    int f = stacks.item(s, i);
                    if (!frames.isMarker(f)) {
                        p.add(new Fn(frames.file(f), frames.scope(f)));
                    }
                }
                return List.copyOf(p);
            });
            long[] v = t.paths.computeIfAbsent(path, k -> new long[4]);
            for (int m = 0; m < metrics; m++) {
                v[m] += profile.value(c, m);
            }
        }
        t.samples = profile.samples();
        return t;
    }

    /** Adds {@code other}'s sums to this tally's. */
    void add(TopTally other) {
        other.functions.forEach((fn, c) -> functions.computeIfAbsent(fn, k -> new Cost()).add(c.line, c.self,
                c.total));
        other.paths.forEach((path, v) -> {
            long[] mine = paths.computeIfAbsent(path, k -> new long[4]);
            for (int m = 0; m < 4; m++) {
                mine[m] += v[m];
            }
        });
        for (int m = 0; m < 4; m++) {
            totals[m] += other.totals[m];
        }
        samples += other.samples;
    }

    /** A copy that later changes to this tally do not reach. */
    TopTally copy() {
        TopTally t = new TopTally();
        t.add(this);
        return t;
    }

    @Override
    public String toString() {
        return "TopTally[" + functions.size() + " functions, " + paths.size() + " paths, totals "
                + Arrays.toString(totals) + "]";
    }
}
