package io.austin.examples;

import io.austin.converters.Conversions;
import io.austin.converters.Profiles;
import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.converters.top.FunctionStats;
import io.austin.formats.Compat;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The hottest functions of a profile file (MOJO or Austin's text), with their own and total time (or memory), like
 * a top view: {@code TopFunctions PROFILE [N]}.
 */
public final class TopFunctions {
    private TopFunctions() {
    }

    /** Reads and aggregates {@code file}. */
    public static Profile read(Path file) {
        return Conversions.readProfile(() -> Files.newInputStream(file), Compat.NONE).as(Profiles.aggregate()).block();
    }

    /** Prints the {@code n} hottest functions of the profile's first metric. */
    public static void print(Profile profile, int n, PrintStream out) {
        Metric metric = profile.metrics().get(0);
        long total = profile.total(0);
        List<FunctionStats> top = FunctionStats.top(profile, 0, n);
        String unit = metric.isTime() ? "ms" : "KiB";
        double scale = metric.isTime() ? 1000.0 : 1024.0;
        out.printf("%s: %.1f %s in %d samples%n", metric.title(), total / scale, unit, profile.samples());
        out.printf("%7s %7s %10s %10s  %s%n", "OWN%", "TOTAL%", "OWN " + unit, "TOTAL " + unit, "FUNCTION");
        for (FunctionStats f : top) {
            out.printf("%6.2f%% %6.2f%% %10.1f %10.1f  %s (%s)%n", f.selfPercent(total), f.totalPercent(total),
                    f.self() / scale, f.total() / scale, f.scope(), f.where());
        }
    }

    /** Runs the example. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: TopFunctions PROFILE [N]");
            System.exit(64);
        }
        print(read(Paths.get(args[0])), args.length > 1 ? Integer.parseInt(args[1]) : 10, System.out);
    }
}
