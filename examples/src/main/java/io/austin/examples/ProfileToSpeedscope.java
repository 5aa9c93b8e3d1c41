package io.austin.examples;

import io.austin.converters.Conversions;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerOptions;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Samples a Python command every millisecond and writes a speedscope profile, in one pipeline: the sampler's
 * {@code Flux} of stack events flows straight into the speedscope converter, no intermediate file.
 *
 * <p>Usage: {@code ProfileToSpeedscope OUT.json python3 script.py [ARGS...]}; open OUT.json on speedscope.app.
 */
public final class ProfileToSpeedscope {
    private ProfileToSpeedscope() {
    }

    /** Runs the example. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ProfileToSpeedscope OUT.json COMMAND [ARG...]");
            System.exit(64);
        }
        Path out = Paths.get(args[0]);
        List<String> command = Arrays.asList(args).subList(1, args.length);
        SamplerOptions options = SamplerOptions.defaults().withInterval(Duration.ofMillis(1));
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out))) {
            long bytes = Sampler.spawn(command, options)
                    .as(Conversions.writeTo(Conversions.toSpeedscope(
                            SpeedscopeOptions.defaults().withName(command.get(0))), file))
                    .block();
            System.err.println("wrote " + bytes + " bytes of speedscope JSON to " + out);
        }
    }
}
