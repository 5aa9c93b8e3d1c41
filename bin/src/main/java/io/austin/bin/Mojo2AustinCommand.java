package io.austin.bin;

import io.austin.converters.Conversions;
import io.austin.formats.Compat;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import reactor.core.publisher.Mono;

/** {@code mojo2austin INPUT OUTPUT}: MOJO (or Austin text) to Austin's collapsed text, streamed. */
@Command(name = "mojo2austin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Convert an Austin MOJO file (or Austin text) to Austin's collapsed-stack text.",
            "Nothing is lost by default; --compat prints exactly what austin-python 1.7.1 prints."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "64:bad arguments", "65:corrupt or empty input", "66:missing or unreadable input",
            "70:internal error", "73:output cannot be created", "74:read or write failed"})
final class Mojo2AustinCommand extends ConverterCommand {
    Mojo2AustinCommand(Cli.Streams streams) {
        super(streams);
    }

    @Override
    Mono<Long> convert(Callable<InputStream> input, OutputStream out) {
        // Text input is read strictly in both modes: the reference tool reads only MOJO, so there is nothing to be
        // compatible with, and a malformed line should not vanish silently. The reference prints as the events
        // come, so with --compat the codec events go to its printer one by one.
        if (compat == Compat.NONE) {
            return StackEvents.profile(input)
                    .as(Conversions.writeTo(Conversions.toCollapsed(CollapsedWriter.Layout.PLAIN), out));
        }
        return StackEvents.read(input).as(Conversions.writeTo(Conversions.toReferenceText(compat), out));
    }
}
