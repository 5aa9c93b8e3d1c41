package io.austin.examples;

import io.austin.converters.Profiles;
import io.austin.converters.profile.FrameTable;
import io.austin.converters.profile.Profile;
import io.austin.formats.Mode;
import io.austin.formats.ProfileEvent;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Profiles a Python command in CPU mode and prints, for every second of its run, how much CPU it used and where:
 * one sampler stream feeds both the per-second profiles ({@link Profiles#windowed}) and the whole run's
 * ({@link Profiles#aggregate}), and the seconds add up to the whole.
 *
 * <p>Usage: {@code CpuPerSecond python3 script.py [ARGS...]}.
 */
public final class CpuPerSecond {
    private CpuPerSecond() {
    }

    /** The profile of every period of the run, and of the whole run. */
    public record Result(List<Profile> periods, Profile whole) {
    }

    /** Samples {@code command} every millisecond in CPU mode, into a profile per {@code period} and one in all. */
    public static Result profile(List<String> command, Duration period) {
        SamplerOptions options = SamplerOptions.defaults().withMode(Mode.CPU).withInterval(Duration.ofMillis(1));
        // One run, two subscribers: publish() starts the sampler once both are subscribed.
        Flux<ProfileEvent> run = Sampler.spawn(command, options).publish().autoConnect(2);
        return Mono.zip(run.transform(Profiles.windowed(period)).collectList(), run.as(Profiles.aggregate()))
                .map(t -> new Result(t.getT1(), t.getT2()))
                .block();
    }

    /** Runs the example. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: CpuPerSecond COMMAND [ARG...]");
            System.exit(64);
        }
        Result r = profile(Arrays.asList(args), Duration.ofSeconds(1));
        int second = 0;
        for (Profile p : r.periods()) {
            System.out.printf("second %d: %4d ms of CPU, %5d samples, busiest: %s%n", ++second,
                    p.total(0) / 1000, p.samples(), busiest(p));
        }
        System.out.printf("whole run: %d ms of CPU, %d samples, busiest: %s%n", r.whole().total(0) / 1000,
                r.whole().samples(), busiest(r.whole()));
    }

    /** The leaf frame with the most CPU time, with its share. */
    static String busiest(Profile p) {
        FrameTable frames = p.frames();
        long[] self = new long[frames.size()];
        for (int c = 0; c < p.cells(); c++) {
            int stack = p.stack(c);
            int length = p.stacks().length(stack);
            if (length > 0) {
                self[p.stacks().item(stack, length - 1)] += p.value(c, 0);
            }
        }
        int best = -1;
        for (int f = 0; f < self.length; f++) {
            if (best < 0 || self[f] > self[best]) {
                best = f;
            }
        }
        long total = p.total(0);
        if (best < 0 || total == 0) {
            return "-";
        }
        return String.format("%s (%s:%d) %.0f%%", frames.scope(best), frames.file(best), frames.line(best),
                100.0 * self[best] / total);
    }
}
