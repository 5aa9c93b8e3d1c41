package io.austin.sampler.internal;

import io.austin.sampler.SamplerException;
import io.austin.sampler.internal.linux.NativeBinding;
import io.austin.sampler.internal.linux.ProcMemFile;
import io.austin.sampler.internal.linux.ProcTasks;
import io.austin.sampler.internal.linux.Signals;
import io.austin.sampler.internal.linux.ProcessVmMemory;
import io.austin.sampler.internal.python.RuntimeLocator;
import io.austin.sampler.internal.python.InterpreterWalker;
import java.util.concurrent.CompletableFuture;

/**
 * Loads and initialises, before a target is started, everything that stands between its start and the first sample:
 * the layout table, the ELF and maps readers, the walker's classes over {@code /proc/PID/mem}. A spawned program runs
 * its first lines within milliseconds of its start, so the work done here is work that would otherwise leave them
 * unsampled. The native binding (the largest part of a cold start) is not made here: it is made on a thread of its own
 * once the target is attached to, and the sampler moves to it when it is ready ({@link NativeBinding}).
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
            if (!NativeBinding.settled()) {
                try (RemoteMemory m = ProcMemFile.open(self)) {
                    walkNothing(m, self);
                }
            }
            try {
                RuntimeLocator.locate(self, null);
            } catch (SamplerException expected) {
                // This JVM is not Python: the point was to load the maps and ELF readers.
            }
            try (ProcTasks tasks = new ProcTasks(self)) { // the attach's constructor (Java I/O until the binding)
                exercise(tasks, self);
            }
            Signals.prepare();
            processStart();
        } catch (RuntimeException | LinkageError e) {
            // Nothing to warm here: the attach will report the real failure.
        }
        NativeBinding.warmUpWith(Warmup::warmNative);
    }

    /** On the binding's thread, once bound: the native readers' classes, before the sampler switches to them. */
    private static void warmNative() {
        int self = (int) ProcessHandle.current().pid();
        try (RemoteMemory m = ProcessVmMemory.open(self)) {
            // One walker: the native reader's path is the same for every frame chain (each walker holds its buffers,
            // off the heap, until a collection finds it).
            InterpreterWalker.create(m, 3, 12, 0x1000, 0, self).walk();
        }
        try (ProcTasks tasks = new ProcTasks(self, true)) {
            exercise(tasks, self);
        }
    }

    /** The walker's classes and buffers, run once over memory that has no Python in it (each kind of frame chain). */
    private static void walkNothing(RemoteMemory m, int self) {
        InterpreterWalker.warmUp(m, self);
    }

    /**
     * What the JDK sets up in a JVM's first process start after the fork, before that start returns the process and
     * the attach can begin: the process classes, CompletableFuture with ForkJoinPool's common pool (the exit's
     * completion), and the flight recorder's process event (never in the class-data archive). Cold, 10-13 ms of the
     * program's first milliseconds went there; here they come before the program starts.
     */
    private static void processStart() {
        CompletableFuture.completedFuture(null);
        for (String name : new String[] {"java.lang.ProcessImpl", "jdk.internal.event.ProcessStartEvent"}) {
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException e) {
                // another JDK's names: its start pays for them
            }
        }
    }

    private static void exercise(ProcTasks tasks, int self) {
        tasks.namespaceIds(self);
        tasks.processGone();
        tasks.isRunning(self);
        tasks.residentBytes();
    }
}
