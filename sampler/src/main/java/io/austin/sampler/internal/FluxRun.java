package io.austin.sampler.internal;

import io.austin.formats.ProfileEvent;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A run as the library's stream: header metadata, the samples of each pass, footer metadata (see
 * {@link Sampler#attach(int, SamplerOptions, Sampler.Listener)} for the contract). The events are handed to the
 * subscriber on an emitting worker of their own (the caller's scheduler, or a thread of the run's) as demand allows:
 * every {@link SamplingRun#DRAIN_NANOS}, whenever demand arrives and whenever the run wakes it.
 */
public final class FluxRun implements SamplingRun.Destination {
    private final SamplingRun run;
    private final FluxSink<ProfileEvent> sink;
    private final Scheduler scheduler;
    private final Scheduler.Worker emitting;
    private final Disposable drainTask;
    private final Runnable drainNow = this::drain;
    /**
     * A drain asked for and not yet run. A subscriber that consumes without emitting (a writer's {@code handle})
     * requests one more for every sample: without this, a task per sample on the emitting worker.
     */
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private final Runnable pendingDrain = () -> {
        drainPending.set(false);
        drain();
    };
    // Emitting worker only.
    private boolean done;

    private FluxRun(SamplingRun run, FluxSink<ProfileEvent> sink, SamplerOptions options) {
        this.run = run;
        this.sink = sink;
        this.scheduler = run.ownThread() ? Schedulers.newSingle("austin-emitter", true) : options.scheduler();
        this.emitting = scheduler.createWorker();
        sink.onRequest(n -> drainSoon());
        sink.onDispose(this::cancel);
        drainTask = emitting.schedulePeriodically(drainNow, 0, SamplingRun.DRAIN_NANOS, TimeUnit.NANOSECONDS);
        run.connect(this::drainSoon);
    }

    /** The run as a stream, started on subscription. */
    public static Flux<ProfileEvent> flux(Supplier<Target> opener, SamplerOptions options,
            Sampler.Listener listener) {
        return Flux.create(sink -> {
            SamplingRun run = new SamplingRun(opener, options, listener);
            new FluxRun(run, sink, options);
            run.start();
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    @Override
    public boolean wants() {
        return sink.requestedFromDownstream() > 0;
    }

    @Override
    public void next(ProfileEvent event) {
        sink.next(event);
    }

    /** A drain on the emitting worker, unless one is already waiting to run. */
    private void drainSoon() {
        if (!drainPending.getAndSet(true)) {
            try {
                emitting.schedule(pendingDrain);
            } catch (java.util.concurrent.RejectedExecutionException gone) {
                // disposed: the run is over
            }
        }
    }

    private void drain() {
        if (done || sink.isCancelled()) {
            return;
        }
        try {
            if (run.handOver(this)) {
                sink.complete();
                end();
                return;
            }
        } catch (IOException cannotHappen) {
            throw new java.io.UncheckedIOException(cannotHappen); // next() throws nothing
        }
        Throwable f = run.failure();
        if (f != null) {
            sink.error(f);
            end();
        }
    }

    /**
     * Releases the emitting side, after the subscriber has been told: disposing the run's own scheduler from its
     * thread interrupts that thread, which the subscriber's last calls (a file channel's write) must not see.
     */
    private void end() {
        done = true;
        drainTask.dispose();
        emitting.dispose();
        if (run.ownThread()) {
            scheduler.dispose();
        }
    }

    /** The subscriber cancelled, or the stream ended: the run stops and lets go of everything. */
    private void cancel() {
        drainTask.dispose();
        run.cancel();
        try {
            emitting.schedule(() -> {
                if (!done) {
                    end();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ended) {
            // the stream's end has released the emitting worker already
        }
    }
}
