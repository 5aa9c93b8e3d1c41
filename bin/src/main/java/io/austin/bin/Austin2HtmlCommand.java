package io.austin.bin;

import io.austin.converters.Conversions;
import io.austin.converters.Profiles;
import io.austin.converters.html.HtmlOptions;
import io.austin.converters.profile.Profile;
import io.austin.formats.FormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/** {@code austin2html [--diff BASE] INPUT OUTPUT}: MOJO or Austin text to a self-contained HTML flame graph. */
@Command(name = "austin2html", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Render Austin text or MOJO as one self-contained HTML page: an interactive flame graph "
                + "(and icicle) with zoom, search, hover details and a choice of process and thread.",
            "With --diff BASE, a differential flame graph: INPUT's call tree coloured by how much hotter (red) or "
                + "colder (blue) each frame got since BASE.",
            "The page opens offline in any browser: it makes no request. It carries the aggregated call tree, "
                + "not the samples, pruned of the frames below --min-share, so it stays small for any input."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "64:bad arguments", "65:corrupt or empty input, or profiles that cannot be "
                + "compared", "66:missing or unreadable input", "70:internal error", "73:output cannot be created",
            "74:read or write failed"})
final class Austin2HtmlCommand extends ConverterCommand {
    @Option(names = "--diff", paramLabel = "BASE",
            description = "Compare INPUT with BASE (MOJO or Austin text, or - for standard input): "
                    + "austin2html --diff BASE NEW OUTPUT.")
    String diff;

    @Option(names = "--min-share", paramLabel = "PERCENT",
            description = "Fold the frames below PERCENT of their thread's total into grey 'pruned' boxes "
                    + "(default: ${DEFAULT-VALUE}; 0 keeps every frame).")
    double minSharePercent = 0.001; // HtmlOptions.DEFAULT_MIN_SHARE, in percent

    @Option(names = "--max-nodes", paramLabel = "N",
            description = "Keep at most N call-tree nodes, raising the threshold if needed (default: "
                    + "${DEFAULT-VALUE}).")
    int maxNodes = HtmlOptions.DEFAULT_MAX_NODES;

    @Option(names = "--title", paramLabel = "TEXT", description = "The page's title (default: the input's name).")
    String title;

    @Spec
    CommandSpec spec;

    private Profile base;

    Austin2HtmlCommand(Cli.Streams streams) {
        super(streams);
    }

    private HtmlOptions options() {
        if (!(minSharePercent >= 0 && minSharePercent < 100)) {
            throw new ParameterException(spec.commandLine(),
                    "--min-share must be a percentage from 0 to under 100, not " + minSharePercent);
        }
        if (maxNodes < 1) {
            throw new ParameterException(spec.commandLine(), "--max-nodes must be at least 1, not " + maxNodes);
        }
        String name = title != null ? title : inputName();
        return HtmlOptions.defaults().withTitle(name).withMinShare(minSharePercent / 100).withMaxNodes(maxNodes);
    }

    /** Checks the options and reads BASE whole before INPUT and OUTPUT are opened. */
    @Override
    void prepare() throws ToolException {
        options();
        if (diff == null) {
            return;
        }
        if ("-".equals(diff) && "-".equals(input)) {
            throw new ParameterException(spec.commandLine(), "BASE and INPUT cannot both be standard input");
        }
        String label = "-".equals(diff) ? "standard input" : "'" + diff + "'";
        Callable<InputStream> open;
        if ("-".equals(diff)) {
            open = () -> new FilterInputStream(streams.in()) {
                @Override
                public void close() {
                    // Standard input belongs to the caller.
                }
            };
        } else {
            Path path = Paths.get(diff);
            if (Files.isDirectory(path)) {
                throw new ToolException(ExitCodes.NO_INPUT, "cannot read input " + label + ": is a directory", null);
            }
            if (!Files.exists(path)) {
                throw new ToolException(ExitCodes.NO_INPUT, "no such input file: " + diff, null);
            }
            open = () -> Files.newInputStream(path);
        }
        try {
            base = Conversions.readProfile(open, compat).as(Profiles.aggregate()).block();
        } catch (RuntimeException e) {
            Throwable t = Exceptions.unwrap(e);
            if (t instanceof FormatException) {
                throw new ToolException(ExitCodes.CORRUPT_INPUT, "corrupt input " + label + ": " + t.getMessage(),
                        t);
            }
            if (t instanceof NoSuchFileException) {
                throw new ToolException(ExitCodes.NO_INPUT, "no such input file: " + diff, t);
            }
            if (t instanceof IOException io) {
                throw new ToolException(ExitCodes.NO_INPUT, "cannot read input " + label + ": " + reason(io), t);
            }
            throw e;
        }
        if (base == null || base.samples() == 0 && base.metadata().isEmpty()) {
            throw new ToolException(ExitCodes.CORRUPT_INPUT, "empty input: " + label
                    + " has no data (neither MOJO nor Austin text)", null);
        }
    }

    @Override
    Mono<Long> convert(Callable<InputStream> input, OutputStream out) {
        HtmlOptions options = options();
        if (base == null) {
            return Conversions.readProfile(input, compat).as(Conversions.writeTo(Conversions.toHtml(options), out));
        }
        return Conversions.readProfile(input, compat)
                .as(Conversions.writeTo(Conversions.toHtmlDiff(base, options), out))
                .onErrorMap(IllegalArgumentException.class, e -> new ToolException(ExitCodes.CORRUPT_INPUT,
                        "cannot compare: BASE is a " + base.mode().text().toLowerCase(Locale.ROOT)
                                + "-mode profile and INPUT has no metric in common with it", e));
    }
}
