package io.austin.sampler.internal;

import io.austin.sampler.SamplerException;
import io.austin.sampler.internal.linux.ProcTasks;
import io.austin.sampler.internal.linux.ProcessVmMemory;
import io.austin.sampler.internal.python.RuntimeLocator;
import io.austin.sampler.internal.python.InterpreterWalker;

/**
 * Loads and initialises, before a target is started, everything that stands between its start and the first sample:
 * the native binding, the layout table, the ELF and maps readers and the walker's classes. A spawned program runs its
 * first lines within milliseconds of its start, so the work done here is work that would otherwise leave them
 * unsampled.
 */
public final class Warmup {
    private static volatile boolean done;

    private Warmup() {
    }

    /**
     * Idempotent and cheap after the first call; a concurrent caller waits for the first. Failures are left to the
     * real attach, which reports them.
     */
    public static void run() {
        if (done) {
            return;
        }
        synchronized (Warmup.class) {
            if (!done) {
                warm();
                done = true;
            }
        }
    }

    private static void warm() {
        int self = (int) ProcessHandle.current().pid();
        try {
            try (RemoteMemory m = ProcessVmMemory.open(self)) {
                // The walker's classes and buffers, run once over memory that has no Python in it (and the layout
                // table, with one version's layout: the target's is read when it is met).
                InterpreterWalker.create(m, 3, 12, 0x1000, 0, self).walk();
            }
            try {
                RuntimeLocator.locate(self, null);
            } catch (SamplerException expected) {
                // This JVM is not Python: the point was to load the maps and ELF readers.
            }
            try (ProcTasks tasks = new ProcTasks(self)) {
                tasks.processGone();
                tasks.isRunning(self);
                tasks.residentBytes();
            }
        } catch (RuntimeException | LinkageError e) {
            // Nothing to warm here: the attach will report the real failure.
        }
    }
}
