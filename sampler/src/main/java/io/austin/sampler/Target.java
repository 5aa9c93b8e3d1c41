package io.austin.sampler;

import io.austin.sampler.SamplerException.Reason;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/** The process being sampled: attached to by pid, or spawned (and then owned: terminated and reaped at close). */
final class Target {
    private final int pid;
    private final Process child;
    private final ProcessHandle handle;

    private Target(int pid, Process child, ProcessHandle handle) {
        this.pid = pid;
        this.child = child;
        this.handle = handle;
    }

    static Target attach(int pid) {
        if (pid <= 0) {
            throw new SamplerException(Reason.NO_SUCH_PROCESS, "No such process: " + pid);
        }
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(
                () -> new SamplerException(Reason.NO_SUCH_PROCESS, "No such process: " + pid));
        return new Target(pid, null, handle);
    }

    /** Starts {@code command} (non-empty: {@link Sampler} checks) with the terminal's standard streams. */
    static Target spawn(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return new Target((int) p.pid(), p, p.toHandle());
        } catch (IOException | SecurityException e) {
            throw new SamplerException(Reason.LAUNCH_FAILED,
                    "Cannot launch " + command.get(0) + ": " + oneLine(e), e);
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // ProcessBuilder says: Cannot run program "x": error=2, No such file or directory
        int i = m.indexOf("error=");
        return i >= 0 ? m.substring(i) : m;
    }

    int pid() {
        return pid;
    }

    boolean spawned() {
        return child != null;
    }

    boolean alive() {
        return child != null ? child.isAlive() : handle.isAlive();
    }

    /** Completes when the target ends (for an attached process: polled, as the kernel gives no notice). */
    Mono<Void> exited() {
        if (child != null) {
            return Mono.fromFuture(child.onExit()).then();
        }
        return Mono.fromFuture(handle.onExit()).then();
    }

    /** The exit status of a spawned child that has ended, or -1. */
    int exitStatus() {
        return child != null && !child.isAlive() ? child.exitValue() : -1;
    }

    /** A spawned child still running is asked to terminate (SIGTERM), then killed, and always reaped. */
    void close() {
        if (child == null) {
            return;
        }
        try {
            if (child.isAlive()) {
                child.destroy();
                if (!child.waitFor(2, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
            child.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
        }
    }
}
