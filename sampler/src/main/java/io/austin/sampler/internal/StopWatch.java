package io.austin.sampler.internal;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A run's stop trigger's subscriber: the first signal of {@link io.austin.sampler.SamplerOptions#stop()} (an item,
 * the end, an error) stops the run. A plain Reactive Streams subscriber, so that the default trigger costs nothing of
 * Reactor's; cancelled with the run, before or after it is subscribed.
 */
final class StopWatch implements Subscriber<Object> {
    private final Runnable stop;
    private volatile Subscription subscription;
    private volatile boolean done;

    StopWatch(Runnable stop) {
        this.stop = stop;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (done) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(Object item) {
        stop.run();
    }

    @Override
    public void onError(Throwable t) {
        stop.run();
    }

    @Override
    public void onComplete() {
        stop.run();
    }

    /** Lets go of the trigger. */
    void cancel() {
        done = true;
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
