package io.austin.sampler.internal.linux;

import java.nio.file.Path;

/**
 * The one place {@code /proc} paths are made. {@link #SYSTEM} is the real {@code /proc}; tests of the code that
 * walks the process tree give it a fixture directory of the same shape instead.
 */
public final class ProcPath {
    /** The real {@code /proc}. */
    public static final ProcPath SYSTEM = new ProcPath(Path.of("/proc"));

    private final Path root;

    /** A {@code /proc} rooted at {@code root}. */
    public ProcPath(Path root) {
        this.root = root;
    }

    /** The root itself. */
    public Path root() {
        return root;
    }

    /** {@code /proc/PID}. */
    public Path process(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    /** {@code /proc/PID/NAME}, e.g. {@code maps}, {@code stat}, {@code exe}. */
    public Path of(int pid, String name) {
        return process(pid).resolve(name);
    }

    /** {@code /proc/PID/task/TID/NAME}. */
    public Path task(int pid, int tid, String name) {
        return process(pid).resolve("task").resolve(Integer.toString(tid)).resolve(name);
    }

    /** {@code /proc/NAME}, e.g. {@code meminfo}. */
    public Path system(String name) {
        return root.resolve(name);
    }

    /** The root as native-path bytes with a trailing slash, for paths built in place without allocating. */
    public String prefix() {
        return root + "/";
    }
}
