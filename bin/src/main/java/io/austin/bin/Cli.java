package io.austin.bin;

import io.austin.sampler.Sampler;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine;

/**
 * Builds the {@link CommandLine} of every tool with the same streams and the same failure handling, so that tools
 * behave alike and tests can run them with captured streams. Only {@link Main} exits the JVM.
 *
 * <p>Failures print one line, {@code <tool>: <what>}, on standard error and give an {@link ExitCodes} status;
 * with {@code --debug} the stack trace follows. Usage errors add a pointer to {@code --help}.
 */
public final class Cli {
    /**
     * The standard streams a tool uses.
     *
     * @param in  standard input (for {@code -} as INPUT)
     * @param out standard output (for {@code -} as OUTPUT, {@code --help}, {@code --version})
     * @param err standard error (diagnostics)
     */
    public record Streams(InputStream in, OutputStream out, OutputStream err) {
        public Streams {
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(err, "err");
        }

        /** The process's own streams. */
        public static Streams system() {
            // Standard output as a plain file stream: System.out is a PrintStream, which swallows write errors, so a
            // closed pipe (austin ... | head) or a full disk would go unnoticed. The tools buffer their own output.
            return new Streams(System.in, new FileOutputStream(FileDescriptor.out), System.err);
        }
    }

    /** The tools: the sampler in its two personalities, its live top view and the converters. */
    private static final Set<String> TOOLS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("austin",
            "austin4", "mojo2austin", "austin2speedscope", "austin2pprof", "austin2html", "austin-top")));

    private Cli() {
    }

    /** The names of the tools, in a stable order. */
    public static Set<String> tools() {
        return TOOLS;
    }

    /**
     * A new command line of {@code tool}. The sampler's two personalities build their model by hand (see {@link
     * CommandModel}); the other tools are annotated.
     */
    private static CommandLine newCommandLine(String tool, Streams streams) {
        return switch (tool) {
            case "austin" -> new AustinCommand(streams).model().commandLine();
            case "austin4" -> new Austin4Command(streams).model().commandLine();
            case "mojo2austin" -> new CommandLine(new Mojo2AustinCommand(streams));
            case "austin2speedscope" -> new CommandLine(new Austin2SpeedscopeCommand(streams));
            case "austin2pprof" -> new CommandLine(new Austin2PprofCommand(streams));
            case "austin2html" -> new CommandLine(new Austin2HtmlCommand(streams));
            case "austin-top" -> new CommandLine(new TopCommand(streams));
            default -> throw new IllegalArgumentException("no tool named '" + tool + "'; tools: "
                    + String.join(", ", tools()));
        };
    }

    /**
     * The command line of {@code tool}, wired to {@code streams}.
     *
     * @throws IllegalArgumentException if there is no such tool
     */
    public static CommandLine commandLine(String tool, Streams streams) {
        CommandLine cl = newCommandLine(tool, streams);
        // austin COMMAND ARGS...: everything from the first positional on belongs to the profiled command.
        cl.setStopAtPositional(sampler(tool) || "austin-top".equals(tool));
        if ("austin".equals(tool)) {
            ArgpHelp.install(cl);
        } else if ("austin4".equals(tool)) {
            Austin4Help.install(cl);
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(streams.out(), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(streams.err(), StandardCharsets.UTF_8), true);
        cl.setOut(out);
        cl.setErr(err);
        Failures failures = new Failures(tool);
        cl.setExitCodeExceptionMapper(failures);
        cl.setParameterExceptionHandler(failures);
        cl.setExecutionExceptionHandler(failures);
        return cl;
    }

    /**
     * How a tool's failures end: a one-line message and an {@link ExitCodes} status. One class, not three lambdas:
     * each lambda's call site is linked through {@code java.lang.invoke} when first run, interpreted, 0.3-1 ms of a
     * JVM's start apiece (docs/benchmarks.md, "No jar to open").
     */
    private static final class Failures implements CommandLine.IExitCodeExceptionMapper,
            CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
        private final String tool;

        Failures(String tool) {
            this.tool = tool;
        }

        @Override
        public int getExitCode(Throwable t) {
            return t instanceof ToolException ? ((ToolException) t).exitCode() : ExitCodes.INTERNAL;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
            c.getErr().println("austin4".equals(tool)
                    ? "Try `austin --help' or `austin --usage' for more information." // Austin 4's words
                    : "Try '" + c.getCommandName() + " --help' for more information.");
            return ExitCodes.USAGE;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine c, CommandLine.ParseResult parsed) {
            boolean debug = parsed.hasMatchedOption("--debug");
            String message = ex instanceof ToolException ? ex.getMessage() : "internal error: " + ex
                    + (debug ? "" : " (run with --debug for the stack trace)");
            c.getErr().println(c.getCommandName() + ": " + message);
            if (debug) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return ex instanceof ToolException ? ((ToolException) ex).exitCode() : ExitCodes.INTERNAL;
        }
    }

    /** Whether {@code tool} is the sampler, in either personality. */
    private static boolean sampler(String tool) {
        return "austin".equals(tool) || "austin4".equals(tool);
    }

    /**
     * Runs {@code tool} with {@code args} and returns its exit status (see {@link ExitCodes}); never exits.
     */
    public static int run(String tool, Streams streams, String... args) {
        if (!TOOLS.contains(tool)) {
            PrintStream err = new PrintStream(streams.err(), true, StandardCharsets.UTF_8);
            err.println("austin: unknown tool '" + tool + "'; tools: " + String.join(", ", tools()));
            return ExitCodes.USAGE;
        }
        if (args.length == 1 && ("-V".equals(args[0]) || "--version".equals(args[0]))) {
            // What picocli would print, without building its model from the annotations (most of a start-up):
            // scripts that check the version start as fast as the JVM does.
            PrintStream out = new PrintStream(streams.out(), true, StandardCharsets.UTF_8);
            out.println("austin4".equals(tool) ? Austin4Command.versionLine() : Version.line(tool));
            out.flush();
            return ExitCodes.OK;
        }
        if (sampler(tool)) {
            // The sampler's own start-up work (native binding, layouts, walker) on the second core while picocli
            // builds its model and parses: both stand between the command and the target's start.
            Thread prepare = new Thread(new Runnable() { // a class, not a method reference: see Failures
                @Override
                public void run() {
                    Sampler.prepare();
                }
            }, "austin-prepare");
            prepare.setDaemon(true);
            prepare.start();
        }
        CommandLine cl = commandLine(tool, streams);
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }
}
