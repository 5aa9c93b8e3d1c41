package io.austin.examples;

import io.austin.converters.Profiles;
import io.austin.converters.profile.Profile;
import io.austin.formats.Mode;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Samples a running Python process for a few seconds and prints a top-like table every second: the stream of
 * samples is cut into one-second windows, each aggregated into a profile on the fly. {@code LiveTop PID [SECONDS]}.
 * Attaching needs the right to trace the process (the same user with {@code ptrace_scope} 0, or
 * {@code CAP_SYS_PTRACE}).
 */
public final class LiveTop {
    private LiveTop() {
    }

    /** The per-second profiles of {@code seconds} seconds of CPU-mode sampling of {@code pid}, printed as they come. */
    public static List<Profile> watch(int pid, int seconds, int rows, PrintStream out) {
        SamplerOptions options = SamplerOptions.defaults().withMode(Mode.CPU).withInterval(Duration.ofMillis(1));
        Flux<Profile> windows = Sampler.attach(pid, options)
                .take(Duration.ofSeconds(seconds)) // cancelling detaches; the target is left running
                .transform(Profiles.windowed(Duration.ofSeconds(1)));
        int[] second = {0};
        return windows.doOnNext(p -> {
            out.printf("%n--- second %d ---%n", ++second[0]);
            TopFunctions.print(p, rows, out);
        }).collectList().block();
    }

    /** Runs the example. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LiveTop PID [SECONDS]");
            System.exit(64);
        }
        watch(Integer.parseInt(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 5, 10, System.out);
    }
}
