package io.austin.sampler.internal.python;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code offsets.json} flattened into lines of text, one per value, its path in the JSON tree with {@code /} between
 * the names ({@code versions/3.13/thread_state/next=...}, array elements by index), held in a generated class's
 * constants ({@link OffsetTableText}), and read back as a tree. The sampler once shipped the table in this form and
 * read it at every attach; it now ships {@link LayoutTable}, code that {@link LayoutTableTest} renders from this
 * table through {@link LayoutSource}, which the tests also build their synthetic targets from.
 */
final class OffsetTable {

    private final Map<String, String> values;
    /**
     * The paths under each version ({@code versions/3.13}): a version's groups are listed from its own hundred-odd
     * paths, not from the whole table's thousand (reading a version's layout asks for its groups a few dozen times,
     * and asking about the whole table took the attach a few milliseconds).
     */
    private final Map<String, List<String>> byVersion = new HashMap<>();
    /**
     * Each group's children in order, found when first asked for: a run reads one version's layout, a few dozen of
     * the table's 200 groups, and indexing them all cost the sampler's start-up about 8 ms.
     */
    private final Map<String, List<String>> children = new ConcurrentHashMap<>();

    OffsetTable(Map<String, String> values) {
        this.values = values;
        for (String key : values.keySet()) {
            String version = version(key);
            if (version != null) {
                byVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(key);
            }
        }
    }

    /** The {@code versions/X.Y} a path lies under (itself included), or null. */
    private static String version(String path) {
        if (!path.startsWith("versions/")) {
            return null;
        }
        int end = path.indexOf('/', "versions/".length());
        return end < 0 ? path : path.substring(0, end);
    }

    /** The names under {@code path} (empty for a value or a missing path), in order. */
    private List<String> children(String path) {
        return children.computeIfAbsent(path, p -> {
            String prefix = p.isEmpty() ? "" : p + "/";
            Set<String> names = new HashSet<>();
            String version = version(p);
            Iterable<String> keys = version == null ? values.keySet() : byVersion.getOrDefault(version, List.of());
            for (String key : keys) {
                if (key.startsWith(prefix)) {
                    int end = key.indexOf('/', prefix.length());
                    names.add(end < 0 ? key.substring(prefix.length()) : key.substring(prefix.length(), end));
                }
            }
            List<String> list = new ArrayList<>(names);
            list.sort(OffsetTable::compareNames);
            return Collections.unmodifiableList(list);
        });
    }

    /** Array indices in number order, version names ("3.8", "3.10") by their numbers, other names as text. */
    private static int compareNames(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = digits(x[i]);
            boolean ny = digits(y[i]);
            int c = nx && ny ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The table bundled with the sampler. */
    static OffsetTable load() {
        Map<String, String> values = new HashMap<>(2048);
        for (String part : OffsetTableText.PARTS) {
            int at = 0;
            while (at < part.length()) {
                int end = part.indexOf('\n', at);
                if (end < 0) {
                    end = part.length();
                }
                int eq = part.indexOf('=', at);
                if (eq > at && eq < end) {
                    values.put(part.substring(at, eq), part.substring(eq + 1, end));
                }
                at = end + 1;
            }
        }
        return new OffsetTable(values);
    }

    /** Every value by its path. */
    Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** The root of the tree. */
    Node root() {
        return new Node("");
    }

    /** A place in the tree, present or not (then every value is missing), as a JSON tree's path lookup gives. */
    final class Node {
        private final String path;

        private Node(String path) {
            this.path = path;
        }

        private String child(String name) {
            return path.isEmpty() ? name : path + "/" + name;
        }

        /** The child {@code name}, missing or not. */
        Node path(String name) {
            return new Node(child(name));
        }

        /** The child {@code name}, or null when it is missing. */
        Node get(String name) {
            return has(name) ? path(name) : null;
        }

        /** Whether the child {@code name} is present (a value or a group). */
        boolean has(String name) {
            String c = child(name);
            return values.containsKey(c) || !children(c).isEmpty();
        }

        /** Whether this is a value that reads as an integer. */
        boolean isNumber() {
            String v = values.get(path);
            if (v == null || v.isEmpty()) {
                return false;
            }
            try {
                Long.parseLong(v);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        long asLong(long missing) {
            return isNumber() ? Long.parseLong(values.get(path)) : missing;
        }

        int asInt(int missing) {
            return isNumber() ? (int) Long.parseLong(values.get(path)) : missing;
        }

        /** The value as text, or {@code ""} when missing or a group. */
        String asText() {
            String v = values.get(path);
            return v == null ? "" : v;
        }

        /** The names of the children, in order (array indices by number). */
        List<String> fieldNames() {
            return children(path);
        }

        /** The children, in order. */
        List<Node> elements() {
            List<Node> out = new ArrayList<>();
            for (String name : fieldNames()) {
                out.add(path(name));
            }
            return out;
        }
    }
}
