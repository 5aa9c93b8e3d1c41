package io.austin.bin;

import io.austin.converters.CollapsedOptions;
import io.austin.converters.Conversions;
import io.austin.formats.StackEvent;
import io.austin.formats.StackEvents;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import reactor.core.publisher.Flux;

/** {@code mojo2austin INPUT OUTPUT}: MOJO (or Austin text) to Austin's collapsed text, streamed. */
@Command(name = "mojo2austin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Convert an Austin MOJO file (or Austin text) to Austin's collapsed-stack text.",
            "Nothing is lost by default; --compat prints exactly what austin-python 1.7.1 prints."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "64:bad arguments", "65:corrupt input", "66:missing or unreadable input",
            "70:internal error", "73:output cannot be created", "74:read or write failed"})
final class Mojo2AustinCommand extends ConverterCommand {
    Mojo2AustinCommand(Cli.Streams streams) {
        super(streams);
    }

    @Override
    Flux<StackEvent> read(Callable<InputStream> input) {
        // Text input is read strictly in both modes: the reference tool reads only MOJO, so there is nothing
        // to be compatible with, and a malformed line should not vanish silently.
        return StackEvents.read(input, StackEvents.ReadOptions.defaults());
    }

    @Override
    Flux<byte[]> convert(Flux<StackEvent> events) {
        return events.transform(Conversions.toCollapsed(CollapsedOptions.defaults().withCompat(compat)));
    }
}
