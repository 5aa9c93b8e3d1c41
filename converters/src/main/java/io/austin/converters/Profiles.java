package io.austin.converters;

import io.austin.converters.profile.Profile;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Aggregation as stream steps: samples folded into a {@link Profile} (interned frames and stacks, one cell per
 * thread and stack with the sum of each metric), for flame graphs, top views and windowed pushes.
 */
public final class Profiles {
    private Profiles() {
    }

    /**
     * Folds every sample into one profile. Emits it when the source completes; errors pass through, with nothing
     * emitted. Runs on the thread that delivers the samples. Memory grows with distinct frames, stacks and threads.
     */
    public static Function<Flux<ProfileEvent>, Mono<Profile>> aggregate() {
        return events -> events.collect(ProfileBuilder::new, ProfileBuilder::add).map(ProfileBuilder::build);
    }

    /** {@link #windowed(Duration, Scheduler)} on Reactor's parallel scheduler. */
    public static Function<Flux<ProfileEvent>, Flux<Profile>> windowed(Duration period) {
        return windowed(period, Schedulers.parallel());
    }

    /**
     * Folds the samples of each {@code period} into a profile of its own. Samples are whole, so a window never cuts
     * one in two; the header metadata (mode, interval...) seen before the first sample is given to every window, so
     * each keeps the run's mode, and the footer goes into the last. Emits each window's profile when the window
     * closes (an empty window gives an empty profile), completes with the source, errors with it. The windows'
     * totals add up to the whole run's. Windows are timed on {@code timer}.
     */
    public static Function<Flux<ProfileEvent>, Flux<Profile>> windowed(Duration period, Scheduler timer) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(timer, "timer");
        return events -> Flux.defer(() -> {
            List<Metadata> header = new ArrayList<>();
            boolean[] sampled = {false};
            return events.doOnNext(e -> {
                if (e instanceof Metadata m && !sampled[0]) {
                    header.add(m);
                } else {
                    sampled[0] = true;
                }
            }).window(period, timer).concatMap(window -> window.collect(() -> {
                ProfileBuilder b = new ProfileBuilder();
                header.forEach(b::metadata);
                return b;
            }, ProfileBuilder::add).map(ProfileBuilder::build));
        });
    }
}
