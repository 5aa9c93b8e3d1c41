package io.austin.sampler.internal;

import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerException.Reason;
import io.austin.sampler.internal.linux.ProcPath;
import io.austin.sampler.internal.linux.Signals;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process to sample: attached to by pid, or spawned (and then owned: terminated and reaped at close). Only a
 * spawned process is ever signalled; an attached one is only read.
 */
public final class Target implements AutoCloseable {
    private final int pid;
    private final Process child;

    private Target(int pid, Process child) {
        this.pid = pid;
        this.child = child;
    }

    /**
     * A running process.
     *
     * @throws SamplerException CANNOT_ATTACH ("Cannot attach to the given process", Austin's status 36) when there is
     *                          no such process
     */
    public static Target attach(int pid) {
        if (pid <= 0 || !Files.isDirectory(ProcPath.SYSTEM.process(pid))) {
            throw new SamplerException(Reason.CANNOT_ATTACH,
                    "Cannot attach to the given process: there is no process with PID " + pid);
        }
        return new Target(pid, null);
    }

    /**
     * Starts {@code command} with this process's standard input and error; its standard output is inherited, or
     * discarded when {@code quiet} (the samples then go to this process's standard output).
     *
     * @throws SamplerException LAUNCH_FAILED when it cannot be started
     */
    public static Target spawn(List<String> command, boolean quiet) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(Redirect.INHERIT).redirectError(Redirect.INHERIT)
                    .redirectOutput(quiet ? Redirect.DISCARD : Redirect.INHERIT).start();
            return new Target((int) p.pid(), p);
        } catch (IOException | SecurityException e) {
            throw new SamplerException(Reason.LAUNCH_FAILED,
                    "Cannot launch the given command '" + command.get(0) + "': " + oneLine(e), e);
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

    /** The process id. */
    public int pid() {
        return pid;
    }

    /** Whether this run started the process. */
    public boolean spawned() {
        return child != null;
    }

    /** For a spawned process, whether it still runs (the JDK reaps it, so it never lingers as a zombie). */
    boolean childAlive() {
        return child != null && child.isAlive();
    }

    /**
     * Waits up to {@code millis} for a spawned child to be known as ended: the JVM reaps children on a thread of its
     * own, so a child that has just exited can still look alive for a moment.
     */
    void awaitExit(long millis) {
        if (child == null) {
            return;
        }
        try {
            child.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exit status of a spawned child that has ended, or -1. */
    int exitStatus() {
        return child != null && !child.isAlive() ? child.exitValue() : -1;
    }

    /** Sends {@code signal} to a spawned process; an attached one is never signalled. */
    void signal(int signal) {
        if (child != null && child.isAlive()) {
            Signals.send(pid, signal);
        }
    }

    /** A spawned child still running is asked to terminate (SIGTERM), then killed, and always reaped. */
    @Override
    public void close() {
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
