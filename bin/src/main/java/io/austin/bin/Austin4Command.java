package io.austin.bin;

import io.austin.formats.ProfileEventWriter;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SamplerStats;
import io.austin.sampler.SystemLog;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code austin} as Austin 4 (the {@code austin4} tool, run by {@code bin/austin4/austin}): the front-ends built for
 * Austin 4 (austin-python 2.x, austin-tui, the VS Code extension) drive it as they drive Austin 4. MOJO is the only
 * output, v4 by default; {@code -c} replaces {@code -s}; {@code -h} and {@code -b} are gone; the start-up time-out
 * is 3 s; the metadata, the exit statuses and the end of the exposure are Austin 4's.
 */
public final class Austin4Command implements Callable<Integer> {
    /** Austin 4's error numbers that austin4 exits with. */
    static final int OS_STATUS = 1;
    static final int PERMISSION_STATUS = 2;
    static final int IO_STATUS = 5;
    static final int CMDLINE_STATUS = 6;
    static final int VERSION_STATUS = 10;

    private final CommandModel model;
    private final CommandSpec spec;
    boolean children;
    boolean cpu;
    String exposure;
    boolean full;
    boolean gc;
    String interval;
    boolean memory;
    boolean nativeStacks;
    String output;
    String pid;
    boolean pipe;
    String timeout;
    String where;
    boolean usage;
    int mojoVersion;
    List<String> command = new ArrayList<>();

    private final OutputStream stdout;
    private final InputStream stdin;
    private PrintWriter err;

    /** @param streams stdout receives the samples without {@code -o}; messages go to the command line's err */
    Austin4Command(Cli.Streams streams) {
        this.stdout = streams.out();
        this.stdin = streams.in();
        this.model = describe();
        this.spec = model.spec();
    }

    /** The options' values into the fields above, by name (see {@link CommandModel.Fields}). */
    private final class Assign implements CommandModel.Fields {
        @Override
        @SuppressWarnings("unchecked")
        public void assign(String field, Object value) {
            switch (field) {
                case "children" -> children = (Boolean) value;
                case "cpu" -> cpu = (Boolean) value;
                case "full" -> full = (Boolean) value;
                case "gc" -> gc = (Boolean) value;
                case "memory" -> memory = (Boolean) value;
                case "nativeStacks" -> nativeStacks = (Boolean) value;
                case "pipe" -> pipe = (Boolean) value;
                case "usage" -> usage = (Boolean) value;
                case "exposure" -> exposure = (String) value;
                case "interval" -> interval = (String) value;
                case "output" -> output = (String) value;
                case "pid" -> pid = (String) value;
                case "timeout" -> timeout = (String) value;
                case "where" -> where = (String) value;
                case "mojoVersion" -> mojoVersion = (Integer) value;
                case "command" -> command = (List<String>) value;
                default -> throw new IllegalArgumentException("no field " + field);
            }
        }
    }

    /** The options, as Austin 4 lists them, bound to the fields above. */
    private CommandModel describe() {
        CommandModel m = new CommandModel(this, new Assign(), "austin")
                .flag("Sample the child processes too.", "children", "-C", "--children")
                .flag("Sample only the threads running on a CPU (CPU time).", "cpu", "-c", "--cpu")
                .text("n_sec", "Stop after n_sec seconds, as Ctrl-C would (exit status 254).", "exposure",
                        "-x", "--exposure")
                .flag("Measure wall time, CPU state and memory together.", "full", "-f", "--full")
                .flag("Mark the samples taken while the garbage collector runs.", "gc", "-g", "--gc")
                .text("n_us", "Time between samples in microseconds (default is 100; 0 samples as fast as possible). "
                        + "Accepted units: s, ms, us.", "interval", "-i", "--interval")
                .flag("Measure memory allocations and releases.", "memory", "-m", "--memory")
                .flag("Accepted as Austin 4 takes it; native stacks are not sampled here, so it only prints a "
                        + "warning.", "nativeStacks", "-n", "--native")
                .text("FILE", "Write the samples to FILE.", "output", "-o", "--output")
                .text("PID", "Attach to the running process PID.", "pid", "-p", "--pid")
                .flag("Pipe mode: every sample is flushed as it is written, and nothing goes to standard error but "
                        + "errors.", "pipe", "-P", "--pipe")
                .text("n_ms", "How long to wait for the target's interpreter at start-up, in milliseconds (default "
                        + "is 3000). Accepted units: s, ms.", "timeout", "-t", "--timeout")
                .text("PID", "Print the stacks of every thread of the process PID once, as text.", "where",
                        "-w", "--where")
                .usageHelp("Give this help list.", "-?", "--help")
                .flag("Give a short usage message.", "usage", "--usage")
                .versionHelp("Print program version.", "-V", "--version")
                .number("N", "The MOJO version to write: 4 (the default, as Austin 4) or 3, for readers that do not "
                        + "know v4.", 4, "mojoVersion", "--mojo-version")
                .debug()
                .command("command");
        m.spec().versionProvider(new CommandLine.IVersionProvider() { // a class, not a lambda: see CommandModel
            @Override
            public String[] getVersion() {
                return new String[] {versionLine()};
            }
        });
        m.spec().usageMessage()
                .description("Austin for the JVM, as Austin 4: a frame stack sampler for CPython that runs a command, "
                        + "or attaches to a running process, and samples the Python stacks of all its threads (and "
                        + "of its child processes, with -C) at a fixed interval, without stopping or instrumenting "
                        + "it. The samples are written as MOJO, on standard output unless -o names a file.")
                .footer("Exit status: 0 done (whatever the target's own status); 64 bad option; 6 no command and no "
                        + "PID; 5 the output cannot be created or written; 1 the command cannot be launched, ended "
                        + "too soon, or the process cannot be attached to (or has no Python child, with -C); 2 "
                        + "permission denied; 10 not a Python process, or an unknown or unsupported Python version; "
                        + "254 stopped by SIGINT or at the end of the -x exposure; 241 stopped by SIGTERM; 129 "
                        + "stopped by SIGHUP.");
        return m;
    }

    /** picocli's model of this command. */
    CommandModel model() {
        return model;
    }

    /** The version line: Austin 4's version first (what the front-ends check), then ours. */
    static String versionLine() {
        return "austin " + io.austin.sampler.Personality.AUSTIN_4.version() + " (Austin for the JVM "
                + Version.project() + ")";
    }

    @Override
    public Integer call() throws ToolException {
        err = spec.commandLine().getErr();
        if (usage || spec.commandLine().getParseResult().originalArgs().isEmpty()) {
            spec.commandLine().getOut().print(Austin4Help.synopsis(spec));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK; // as Austin 4: no argument at all shows the usage
        }
        SamplerOptions options;
        int attachPid = -1;
        try {
            options = SamplingArguments.apply(SamplerOptions.austin4(), interval, timeout, exposure,
                    SamplingArguments.mode(full, memory, cpu), gc, children)
                    .withPipe(pipe).withTrapSignals(true).withQuietChild(output == null);
            if (pid != null) {
                attachPid = SamplingArguments.parsePid(pid);
                if (!command.isEmpty()) {
                    throw new IllegalArgumentException("the -p option is incompatible with the command argument");
                }
            }
            if (where != null) {
                int wherePid = SamplingArguments.parsePid(where);
                if (!command.isEmpty() || pid != null) {
                    throw new IllegalArgumentException("-w takes a PID and no command or -p");
                }
                return where(wherePid, options);
            }
            if (mojoVersion != 3 && mojoVersion != 4) {
                throw new IllegalArgumentException("--mojo-version must be 3 or 4, not " + mojoVersion);
            }
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        if (nativeStacks) {
            err.println("austin: warning: native mode is not supported by Austin for the JVM and will be ignored");
            err.flush();
        }
        if (attachPid < 0 && command.isEmpty()) {
            throw Recording.logged(new ToolException(CMDLINE_STATUS, "No command nor process ID provided", null));
        }
        if (output == null && isTerminal(stdout) && !confirmBinaryToTerminal()) {
            return ExitCodes.OK;
        }
        SystemLog.info("Sampling interval: " + options.intervalMicros() + " \u03bcs");
        OutputStream sink = Recording.open(output, stdout, IO_STATUS);
        ProfileEventWriter writer = new MojoWriter(new BufferedOutputStream(sink, 1 << 16), mojoVersion);
        if (pipe) {
            writer = Recording.flushingEach(writer);
        }
        Sampler.Run r = Recording.run(attachPid, command, options, new Words(), writer, IO_STATUS);
        if (r != null && !pipe) {
            statistics(r.stats());
        }
        return Recording.stopStatus(r);
    }

    /** Austin 4's exit status for a sampler failure: its error number. */
    static int status(SamplerException e) {
        return switch (e.reason()) {
            case PERMISSION -> PERMISSION_STATUS;
            case NOT_PYTHON, UNKNOWN_VERSION, UNSUPPORTED_VERSION, UNSUPPORTED_BUILD -> VERSION_STATUS;
            case NO_SUCH_PROCESS, CANNOT_ATTACH, TIMEOUT, LAUNCH_FAILED, NO_PYTHON_CHILDREN -> OS_STATUS;
        };
    }

    /** Whether {@code out} is this process's standard output and that is a terminal. */
    static boolean isTerminal(OutputStream out) {
        try {
            if (!(out instanceof FileOutputStream f) || f.getFD() != FileDescriptor.out) {
                return false;
            }
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Austin 4 asks before it writes binary to a terminal; anything but y or Y declines. */
    private boolean confirmBinaryToTerminal() {
        PrintWriter out = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
        out.print("\n\u26A0\uFE0F  \033[1;33mWARNING\033[0m  Austin is about to generate binary output to terminal."
                + "\n\nDo you want to continue without specifying an output file? [y/N] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            return answer != null && (answer.startsWith("y") || answer.startsWith("Y"));
        } catch (IOException e) {
            return false;
        }
    }

    /** This personality's part in a run (see {@link Recording.Personality}). */
    private final class Words implements Recording.Personality {
        @Override
        public void started(Sampler.Run run) {
            Austin4Command.this.started(run);
        }

        @Override
        public void child(Sampler.ProcessInfo process) {
            Austin4Command.this.child(process);
        }

        @Override
        public int status(SamplerException failure) {
            return Austin4Command.status(failure);
        }
    }

    private void started(Sampler.Run r) {
        if (pipe) {
            return; // Austin 4 says nothing on standard error in pipe mode
        }
        err.println();
        err.println(versionLine() + " \u2014 sampling process " + r.pid());
        if (r.runtime() == null) {
            err.println("\uD83D\uDC7D Parent is not a Python process.");
        } else {
            err.println("\uD83D\uDC0D " + (children ? "Parent process [" + r.pid() + "] " : "")
                    + "Python version: " + r.runtime().version());
        }
        for (Sampler.ProcessInfo p : r.processes()) {
            if (p.child()) {
                child(p);
            }
        }
        if (exposure != null) {
            long seconds = Durations.parse(exposure, "s", "s", "ms").toSeconds();
            err.println();
            err.println("\uD83D\uDD51 Sampling for " + seconds + " second" + (seconds != 1 ? "s" : "") + " ...");
        }
        err.flush();
    }

    /** A child process found (children mode): its version on stderr, except in pipe mode. */
    private void child(Sampler.ProcessInfo p) {
        if (!pipe) {
            err.println("\uD83D\uDC0D Child process [" + p.pid() + "] Python version: " + p.runtime().version());
            err.flush();
        }
    }

    private int where(int wherePid, SamplerOptions options) throws ToolException {
        Sampler.Snapshot snapshot = Recording.snapshot(wherePid, options, new Words());
        WherePrinter.text(snapshot, stdout, true);
        try {
            stdout.flush();
        } catch (IOException e) {
            throw new ToolException(IO_STATUS, "cannot write the output: " + Recording.reason(e), e);
        }
        return ExitCodes.OK;
    }

    private void statistics(SamplerStats s) {
        err.println();
        err.println("\uD83D\uDCC8 Sampling Statistics");
        err.println();
        double seconds = s.durationMicros() / 1e6;
        err.println(dotted("Total duration", Decimals.fixed(seconds, 2) + " s"));
        double rate = seconds == 0 ? 0 : s.samples() / seconds;
        err.println(dotted("Average sampling rate", rate >= 1e6 ? Decimals.fixed(rate / 1e6, 2) + " MHz"
                : rate >= 1e3 ? Decimals.fixed(rate / 1e3, 2) + " kHz" : Decimals.fixed(rate, 2) + " Hz"));
        if (gc) {
            err.println(dotted("Garbage collector", Decimals.fixed(s.gcMicros() / 1e6, 2) + " s ("
                    + Decimals.fixed(s.durationMicros() == 0 ? 0.0 : 100.0 * s.gcMicros() / s.durationMicros(), 2)
                    + " %)"));
        }
        err.println(dotted("Error rate", s.errors() + "/" + s.samples() + " ("
                + Decimals.fixed(s.samples() == 0 ? 0.0 : 100.0 * s.errors() / s.samples(), 2) + " %)"));
        err.flush();
    }

    private static String dotted(String label, String value) {
        StringBuilder b = new StringBuilder(label).append(' ');
        while (b.length() < 30) {
            b.append('.');
        }
        return b.append(' ').append(value).toString();
    }

    static ToolException usageError(String message) {
        return new ToolException(ExitCodes.USAGE, message + "\nTry `austin --help' or `austin --usage' for more "
                + "information.", null);
    }
}
