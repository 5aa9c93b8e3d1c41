package io.austin.converters;

import io.austin.converters.profile.Profile;
import io.austin.converters.profile.ProfileBuilder;
import io.austin.formats.Metadata;
import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.GroupedFlux;
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

    /**
     * Keeps the samples that {@code keep} accepts, and every metadata event. Emits as the source does, on its
     * thread; completes, errors and cancels with it. A filtered profile keeps the run's mode and header, so it
     * converts like the whole one.
     */
    public static Function<Flux<ProfileEvent>, Flux<ProfileEvent>> filter(Predicate<? super Sample> keep) {
        Objects.requireNonNull(keep, "keep");
        return events -> events.filter(e -> !(e instanceof Sample s) || keep.test(s));
    }

    /**
     * A sample predicate for {@link #filter}: whether any frame of the sample's stack matches {@code frame}, for
     * example {@code f -> f.scope().equals("handle_request")} keeps only the stacks through that function.
     */
    public static Predicate<Sample> through(Predicate<? super Frame> frame) {
        Objects.requireNonNull(frame, "frame");
        return s -> {
            for (FrameRef r : s.frames()) {
                if (frame.test(r.frame())) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Splits one profile into one stream per key, for example per thread ({@code Sample::thread}) or per process
     * ({@code s -> s.thread().pid()}). Each group starts with the header metadata (what came before the first
     * sample), so it converts like a profile of its own; metadata that comes after samples (the footer) goes to every
     * group open at that moment. Emits a group when its first sample arrives. As with {@link Flux#groupBy}, every
     * group must be consumed, concurrently (for example {@code flatMap(g -> ..., Integer.MAX_VALUE)}), or the
     * source stalls. Completes, errors and cancels with the source, on its thread.
     */
    public static <K> Function<Flux<ProfileEvent>, Flux<GroupedFlux<K, ProfileEvent>>> split(
            Function<? super Sample, ? extends K> key) {
        Objects.requireNonNull(key, "key");
        return events -> Flux.defer(() -> {
            List<Metadata> header = new ArrayList<>();
            Set<K> keys = new LinkedHashSet<>();
            return events.concatMapIterable(e -> {
                if (e instanceof Sample s) {
                    K k = Objects.requireNonNull(key.apply(s), "split key");
                    if (!keys.add(k)) {
                        return List.of(new Keyed<>(k, s));
                    }
                    List<Keyed<K>> first = new ArrayList<>(header.size() + 1);
                    header.forEach(m -> first.add(new Keyed<>(k, m)));
                    first.add(new Keyed<>(k, s));
                    return first;
                }
                Metadata m = (Metadata) e;
                if (keys.isEmpty()) {
                    header.add(m);
                    return List.of();
                }
                List<Keyed<K>> all = new ArrayList<>(keys.size());
                keys.forEach(k -> all.add(new Keyed<>(k, m)));
                return all;
            }).groupBy(Keyed::key, Keyed::event);
        });
    }

    private record Keyed<K>(K key, ProfileEvent event) {
    }
}
