package io.austin.bin;

import io.austin.bin.TopTally.Fn;
import io.austin.formats.ThreadKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What austin-top shows of a window's tallies, without a terminal: the function table of a scope (every thread, a
 * process, a thread), filtered and sorted, and the call paths that lead to one function.
 */
final class TopTable {
    private TopTable() {
    }

    /** The orders of the table, in the order the sort key cycles through them. */
    enum Sort {
        OWN("own"), TOTAL("total"), NAME("name");

        private final String label;

        Sort(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        Sort next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /**
     * Which threads the table sums: every thread (both null), one process ({@code pid}), or one thread.
     *
     * @param pid    the process, or null for every process
     * @param thread the thread, or null for every thread of the scope's processes
     */
    record Scope(Long pid, ThreadKey thread) {
        static final Scope ALL = new Scope(null, null);

        boolean includes(ThreadKey t) {
            return thread != null ? thread.equals(t) : pid == null || pid == t.pid();
        }

        /** {@code all threads}, {@code process 42}, {@code thread 42:0:43}. */
        String label() {
            return thread != null ? "thread " + thread.pid() + ":" + thread.textName()
                    : pid != null ? "process " + pid : "all threads";
        }
    }

    /** One function of the table: its sums in the scope, as shares of the scope's total. */
    record Row(Fn fn, long line, long self, long total, double selfPercent, double totalPercent) {
        /** {@code file:line}. */
        String where() {
            return fn.file() + ":" + line;
        }
    }

    /** A call path that leads to a function (root first, the function last), with its value and share. */
    record Caller(List<Fn> path, long value, double share) {
    }

    /** Every scope of these threads, in cycling order: all threads, then each process followed by its threads. */
    static List<Scope> scopes(Collection<ThreadKey> threads) {
        List<Scope> out = new ArrayList<>();
        out.add(Scope.ALL);
        Set<Long> pids = new LinkedHashSet<>();
        threads.forEach(t -> pids.add(t.pid()));
        for (long pid : pids) {
            out.add(new Scope(pid, null));
            for (ThreadKey t : threads) {
                if (t.pid() == pid) {
                    out.add(new Scope(pid, t));
                }
            }
        }
        return out;
    }

    /** The tallies of {@code scope} summed into one. */
    static TopTally sum(Map<ThreadKey, TopTally> window, Scope scope) {
        TopTally sum = new TopTally();
        window.forEach((thread, t) -> {
            if (scope.includes(thread)) {
                sum.add(t);
            }
        });
        return sum;
    }

    /**
     * The table of {@code tally}'s functions for metric {@code metric}: those whose name or file contains
     * {@code filter} (ignoring case; empty keeps all) and that have a value, in {@code sort} order (own and total:
     * largest first, then by the other, then by name; name: alphabetical).
     */
    static List<Row> rows(TopTally tally, int metric, Sort sort, String filter) {
        String needle = filter.toLowerCase(Locale.ROOT);
        long whole = tally.totals[metric];
        List<Row> rows = new ArrayList<>();
        tally.functions.forEach((fn, c) -> {
            if (c.total[metric] == 0 && c.self[metric] == 0) {
                return;
            }
            if (!needle.isEmpty() && !fn.scope().toLowerCase(Locale.ROOT).contains(needle)
                    && !fn.file().toLowerCase(Locale.ROOT).contains(needle)) {
                return;
            }
            rows.add(new Row(fn, c.line, c.self[metric], c.total[metric], percent(c.self[metric], whole),
                    percent(c.total[metric], whole)));
        });
        Comparator<Row> byName = Comparator.comparing((Row r) -> r.fn().scope()).thenComparing(r -> r.fn().file());
        Comparator<Row> bySelf = Comparator.comparingLong(Row::self).reversed();
        Comparator<Row> byTotal = Comparator.comparingLong(Row::total).reversed();
        rows.sort(switch (sort) {
            case OWN -> bySelf.thenComparing(byTotal).thenComparing(byName);
            case TOTAL -> byTotal.thenComparing(bySelf).thenComparing(byName);
            case NAME -> byName;
        });
        return rows;
    }

    /**
     * The call paths of {@code tally} that lead to {@code fn}, each cut after the function's outermost call (so that
     * a sample counts once, however deep it recurses), largest first; the shares are of the function's inclusive
     * value and add up to 100 %.
     */
    static List<Caller> callers(TopTally tally, int metric, Fn fn) {
        Map<List<Fn>, long[]> byPath = new HashMap<>();
        long sum = 0;
        for (Map.Entry<List<Fn>, long[]> e : tally.paths.entrySet()) {
            int at = e.getKey().indexOf(fn);
            long v = e.getValue()[metric];
            if (at < 0 || v == 0) {
                continue;
            }
            byPath.computeIfAbsent(e.getKey().subList(0, at + 1), k -> new long[1])[0] += v;
            sum += v;
        }
        List<Caller> out = new ArrayList<>();
        for (Map.Entry<List<Fn>, long[]> e : byPath.entrySet()) {
            out.add(new Caller(List.copyOf(e.getKey()), e.getValue()[0], percent(e.getValue()[0], sum)));
        }
        out.sort(Comparator.comparingLong(Caller::value).reversed()
                .thenComparing(c -> c.path().toString()));
        return out;
    }

    /** A value of {@code metric} in a few characters: {@code 850 µs}, {@code 12.3 ms}, {@code 1.25 s}; bytes likewise. */
    static String value(long v, io.austin.converters.profile.Metric metric) {
        if (metric.isTime()) {
            if (v < 1_000) {
                return v + " \u00b5s";
            }
            if (v < 1_000_000) {
                return String.format(Locale.ROOT, v < 100_000 ? "%.1f ms" : "%.0f ms", v / 1e3);
            }
            return String.format(Locale.ROOT, v < 100_000_000 ? "%.2f s" : "%.0f s", v / 1e6);
        }
        if (v < 1024) {
            return v + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double d = v;
        int u = -1;
        while (d >= 1024 && u < units.length - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, d < 100 ? "%.1f %s" : "%.0f %s", d, units[u]);
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
