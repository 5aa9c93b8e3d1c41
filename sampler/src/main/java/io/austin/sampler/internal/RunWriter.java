package io.austin.sampler.internal;

import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A run written out on the calling thread, without a stream: the consumer of a {@link SamplingRun} that takes every
 * event as it comes and writes it. Nothing of Reactor's is set up, which a command line's short run would otherwise
 * pay for after its program has ended.
 */
public final class RunWriter implements SamplingRun.Destination {
    private final ProfileEventWriter writer;

    private RunWriter(ProfileEventWriter writer) {
        this.writer = writer;
    }

    /**
     * Starts the run and writes it to {@code writer} until it ends: every event written, the writer finished and
     * closed (closed on failure too). A failure of the run is thrown (a {@link SamplerException}, as the stream would
     * end with it) once the events before it are written; a failure to write cancels the run, and so does an
     * interrupt, as a subscriber's cancel would. A scheduler of the caller's ({@link SamplerOptions#scheduler()}) is
     * refused: its time may be virtual, and nothing would advance it while this thread waits.
     */
    public static Sampler.Run write(Supplier<Target> opener, SamplerOptions options, Sampler.Listener listener,
            ProfileEventWriter writer) throws IOException {
        if (options.scheduler() != null) {
            throw new IllegalArgumentException(
                    "a run written on the calling thread takes no scheduler: use the stream");
        }
        SamplingRun run = new SamplingRun(opener, options, listener);
        Thread consumer = Thread.currentThread();
        try (writer) {
            run.start();
            run.connect(new Unparker(consumer));
            RunWriter all = new RunWriter(writer);
            while (!run.handOver(all)) {
                Throwable f = run.failure();
                if (f instanceof RuntimeException e) {
                    throw e;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                LockSupport.parkNanos(SamplingRun.DRAIN_NANOS); // or until woken
                if (Thread.interrupted()) {
                    consumer.interrupt();
                    throw new InterruptedIOException("interrupted: the run is cancelled");
                }
            }
            writer.finish();
            return run;
        } catch (IOException | RuntimeException | Error e) {
            run.cancel();
            throw e;
        }
    }

    @Override
    public boolean wants() {
        return true;
    }

    @Override
    public void next(ProfileEvent event) throws IOException {
        writer.write(event);
    }

    /**
     * Wakes the writing thread. A class, not a lambda: the sampler's start-up path links no call site through
     * {@code java.lang.invoke} it can avoid (see SamplingRun's tasks).
     */
    private static final class Unparker implements Runnable {
        private final Thread thread;

        Unparker(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void run() {
            LockSupport.unpark(thread);
        }
    }
}
