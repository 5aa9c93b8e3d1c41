package io.austin.bin;

import io.austin.converters.Conversions;
import io.austin.converters.pprof.PprofOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** {@code austin2pprof INPUT OUTPUT}: MOJO or Austin text to a pprof profile. */
@Command(name = "austin2pprof", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Convert Austin text or MOJO to a pprof profile (protobuf, as 'go tool pprof' reads it).",
            "Nothing is lost by default; --compat writes exactly what austin-python 1.7.1 writes."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "64:bad arguments", "65:corrupt or empty input", "66:missing or unreadable input",
            "70:internal error", "73:output cannot be created", "74:read or write failed"})
final class Austin2PprofCommand extends ConverterCommand {
    @Option(names = "--gzip", description = "Compress the output with gzip (pprof tools read both).")
    boolean gzip;

    Austin2PprofCommand(Cli.Streams streams) {
        super(streams);
    }

    @Override
    Mono<Long> convert(Callable<InputStream> input, OutputStream out) {
        return Conversions.readProfile(input, compat).as(Conversions.writeTo(
                Conversions.toPprof(PprofOptions.defaults().withCompat(compat).withGzip(gzip)), out));
    }
}
