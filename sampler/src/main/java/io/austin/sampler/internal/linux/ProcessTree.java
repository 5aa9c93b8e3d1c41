package io.austin.sampler.internal.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The descendants of a process, for children mode. Where the kernel lists each thread's children
 * ({@code /proc/PID/task/TID/children}) only the tree below the root is read; otherwise every
 * {@code /proc/PID/stat} is read once for its parent id. Processes come and go while this runs: a vanished one is
 * simply not found.
 */
public final class ProcessTree {
    private final ProcPath proc;

    /** The tree of the real {@code /proc}. */
    public ProcessTree() {
        this(ProcPath.SYSTEM);
    }

    /** The tree of a {@code /proc}-shaped directory (tests). */
    public ProcessTree(ProcPath proc) {
        this.proc = proc;
    }

    /** Every live descendant of {@code root} (children, grandchildren...), in ascending order; not {@code root}. */
    public int[] descendants(int root) {
        int[] viaChildren = viaChildrenFiles(root);
        return viaChildren != null ? viaChildren : viaParentIds(root);
    }

    /** Breadth-first through the per-thread children lists; null where the kernel does not provide them. */
    private int[] viaChildrenFiles(int root) {
        List<Integer> found = new ArrayList<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        todo.add(root);
        boolean supported = false;
        while (!todo.isEmpty()) {
            int pid = todo.poll();
            Path tasks = proc.of(pid, "task");
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
                for (Path task : entries) {
                    Path children = task.resolve("children");
                    String text;
                    try {
                        text = Files.readString(children, StandardCharsets.US_ASCII);
                    } catch (NoSuchFileException e) {
                        if (!Files.isDirectory(task)) {
                            continue; // the thread ended meanwhile
                        }
                        if (pid == root) {
                            return null; // no children files at all on this kernel
                        }
                        continue;
                    }
                    supported = true;
                    for (String s : text.trim().split("\\s+")) {
                        int child = parse(s);
                        if (child > 0 && !found.contains(child)) {
                            found.add(child);
                            todo.add(child);
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                if (pid == root) {
                    return new int[0]; // the root has gone: it has no descendants
                }
            } catch (IOException e) {
                if (pid == root) {
                    return null;
                }
            }
        }
        if (!supported) {
            return null;
        }
        return sorted(found);
    }

    /** Reads the parent id of every process and walks down from {@code root}. */
    private int[] viaParentIds(int root) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc.root())) {
            for (Path entry : entries) {
                int pid = parse(entry.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                int ppid = parentOf(pid);
                if (ppid > 0) {
                    children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid);
                }
            }
        } catch (IOException e) {
            return new int[0];
        }
        List<Integer> found = new ArrayList<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (int child : children.getOrDefault(todo.poll(), List.of())) {
                if (!found.contains(child)) {
                    found.add(child);
                    todo.add(child);
                }
            }
        }
        return sorted(found);
    }

    /** The parent id of {@code pid} from its {@code stat} (the field after the state letter), or -1. */
    public int parentOf(int pid) {
        try {
            String s = Files.readString(proc.of(pid, "stat"), StandardCharsets.US_ASCII);
            int close = s.lastIndexOf(')');
            if (close < 0) {
                return -1;
            }
            String[] fields = s.substring(close + 1).trim().split("\\s+");
            return fields.length > 1 ? parse(fields[1]) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int[] sorted(List<Integer> list) {
        int[] out = list.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static int parse(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + c - '0';
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}
