package io.austin.bin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Austin's collapsed text as the tests read it, parsed here independently of the project's own readers so that a
 * shared bug cannot hide: metadata, and one record per sample line (process, thread, frames root first, metrics).
 */
final class TextProfile {
    /** One sample line. */
    record Line(long pid, String thread, List<String> frames, long[] metrics) {
        /** The time metric (wall, cpu, full), or the memory delta (memory mode). */
        long first() {
            return metrics[0];
        }

        /** The scope of each frame, root first (markers as they are). */
        List<String> scopes() {
            List<String> out = new ArrayList<>();
            for (String f : frames) {
                int last = f.lastIndexOf(':');
                int before = last <= 0 ? -1 : f.lastIndexOf(':', last - 1);
                out.add(before < 0 ? f : f.substring(before + 1, last));
            }
            return out;
        }

        /** The native thread id of {@code T<iid>:<tid>}. */
        long tid() {
            return Long.parseLong(thread.substring(thread.indexOf(':') + 1));
        }

        boolean has(String marker) {
            return frames.contains(marker);
        }
    }

    final Map<String, String> header = new LinkedHashMap<>();
    final Map<String, String> footer = new LinkedHashMap<>();
    final List<Line> lines = new ArrayList<>();

    static TextProfile parse(String text) {
        TextProfile p = new TextProfile();
        for (String raw : text.split("\n", -1)) {
            if (raw.isEmpty()) {
                continue;
            }
            if (raw.startsWith("# ")) {
                int colon = raw.indexOf(": ");
                (p.lines.isEmpty() ? p.header : p.footer).put(raw.substring(2, colon), raw.substring(colon + 2));
                continue;
            }
            if (!raw.startsWith("P")) {
                throw new IllegalArgumentException("not a sample line: " + raw);
            }
            int space = raw.lastIndexOf(' ');
            String[] items = raw.substring(0, space).split(";", -1);
            String[] m = raw.substring(space + 1).split(",");
            long[] metrics = new long[m.length];
            for (int i = 0; i < m.length; i++) {
                metrics[i] = Long.parseLong(m[i]);
            }
            List<String> frames = new ArrayList<>();
            Collections.addAll(frames, items);
            frames = frames.subList(2, frames.size());
            p.lines.add(new Line(Long.parseLong(items[0].substring(1)), items[1].substring(1), List.copyOf(frames),
                    metrics));
        }
        return p;
    }

    /** The sum of the first metric over the lines whose innermost frame named one of {@code scopes} is {@code s}. */
    long timeIn(String s, String... scopes) {
        long sum = 0;
        for (Line l : lines) {
            List<String> sc = l.scopes();
            for (int i = sc.size() - 1; i >= 0; i--) {
                String name = sc.get(i);
                if (List.of(scopes).contains(name)) {
                    if (name.equals(s)) {
                        sum += l.first();
                    }
                    break;
                }
            }
        }
        return sum;
    }

    /** The sum of the first metric over the samples of thread {@code tid}. */
    long timeOfThread(long tid) {
        return lines.stream().filter(l -> l.tid() == tid).mapToLong(Line::first).sum();
    }
}
