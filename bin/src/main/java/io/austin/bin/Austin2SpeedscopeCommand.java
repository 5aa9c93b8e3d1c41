package io.austin.bin;

import io.austin.converters.Conversions;
import io.austin.converters.speedscope.SpeedscopeOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** {@code austin2speedscope INPUT OUTPUT}: MOJO or Austin text to a speedscope JSON document. */
@Command(name = "austin2speedscope", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Convert Austin text or MOJO to a speedscope JSON document (https://www.speedscope.app).",
            "Nothing is lost by default; --compat writes exactly what austin-python 1.7.1 writes."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "64:bad arguments", "65:corrupt or empty input", "66:missing or unreadable input",
            "70:internal error", "73:output cannot be created", "74:read or write failed"})
final class Austin2SpeedscopeCommand extends ConverterCommand {
    @Option(names = "--indent", paramLabel = "N",
            description = "Pretty-print with N spaces per level, as Python's json module does.")
    Integer indent;

    Austin2SpeedscopeCommand(Cli.Streams streams) {
        super(streams);
    }

    @Override
    Mono<Long> convert(Callable<InputStream> input, OutputStream out) {
        SpeedscopeOptions options = SpeedscopeOptions.defaults().withCompat(compat).withName(inputName())
                .withIndent(indent == null ? -1 : Math.max(indent, 0));
        return Conversions.readProfile(input, compat).as(Conversions.writeTo(Conversions.toSpeedscope(options), out));
    }
}
