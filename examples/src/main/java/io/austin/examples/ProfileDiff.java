package io.austin.examples;

import io.austin.converters.profile.Profile;
import io.austin.converters.top.FunctionStats;
import java.io.PrintStream;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The difference of two profiles of one program, per function: each function's own share of its profile's total
 * (so runs of different lengths compare), before and after, biggest changes first. {@code ProfileDiff BASE NEW [N]}.
 */
public final class ProfileDiff {
    private ProfileDiff() {
    }

    /** One function's own share, in percent, in the base and the new profile. */
    public record Change(String scope, String file, double before, double after) {
        /** The change in percentage points, positive when the function got hotter. */
        public double delta() {
            return after - before;
        }
    }

    /** Every function of either profile with its share in both, biggest absolute change first. */
    public static List<Change> compare(Profile base, Profile next) {
        Map<List<String>, double[]> shares = new HashMap<>();
        Profile[] both = {base, next};
        for (int i = 0; i < 2; i++) {
            long total = both[i].total(0);
            for (FunctionStats f : FunctionStats.of(both[i], 0)) {
                shares.computeIfAbsent(List.of(f.scope(), f.file()), k -> new double[2])[i] = f.selfPercent(total);
            }
        }
        List<Change> out = new ArrayList<>();
        shares.forEach((k, v) -> out.add(new Change(k.get(0), k.get(1), v[0], v[1])));
        out.sort(Comparator.comparingDouble((Change c) -> -Math.abs(c.delta())).thenComparing(Change::scope));
        return out;
    }

    /** Prints the {@code n} biggest changes. */
    public static void print(List<Change> changes, int n, PrintStream out) {
        out.printf("%8s %8s %8s  %s%n", "BEFORE", "AFTER", "CHANGE", "FUNCTION");
        for (Change c : changes.subList(0, Math.min(n, changes.size()))) {
            out.printf("%7.2f%% %7.2f%% %+7.2f  %s (%s)%n", c.before(), c.after(), c.delta(), c.scope(), c.file());
        }
    }

    /** Runs the example. */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ProfileDiff BASE NEW [N]");
            System.exit(64);
        }
        print(compare(TopFunctions.read(Paths.get(args[0])), TopFunctions.read(Paths.get(args[1]))),
                args.length > 2 ? Integer.parseInt(args[2]) : 10, System.out);
    }
}
