package io.austin.bin;

import io.austin.converters.CollapsedOptions;
import io.austin.formats.StackEventReader;
import io.austin.formats.StackEventWriter;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import picocli.CommandLine.Command;

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
    StackEventReader reader(InputStream in) throws IOException {
        // Text input is read strictly in both modes: the reference tool reads only MOJO, so there is nothing
        // to be compatible with, and a malformed line should not vanish silently.
        return StackEvents.open(in, StackEvents.ReadOptions.defaults());
    }

    @Override
    StackEventWriter writer(OutputStream out) {
        // What Conversions.toCollapsed runs, without the per-event operator chain.
        return new CollapsedWriter(out, CollapsedOptions.defaults().withCompat(compat).writerOptions());
    }
}
