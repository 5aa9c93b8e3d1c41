package io.austin.bin;

import io.austin.formats.ProfileEventWriter;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SamplerStats;
import io.austin.sampler.SystemLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code austin}: samples a Python program's frame stacks and writes Austin's collapsed text or MOJO. Options
 * follow Austin 3.7; see {@code --help}.
 */
public final class AustinCommand implements Callable<Integer> {
    /** Exit status for SIGINT, as Austin. */
    static final int SIGINT_STATUS = 254;
    /** Exit status for SIGTERM, as Austin. */
    static final int SIGTERM_STATUS = 241;
    /** Exit status for SIGHUP: Austin dies of it; ours stops cleanly and reports 128 + 1, as shells do. */
    static final int SIGHUP_STATUS = 129;
    /** No command and no pid; or the output file cannot be created. */
    static final int NO_COMMAND_STATUS = 255;

    private final CommandModel model;
    private final CommandSpec spec;
    boolean binary;
    boolean children;
    boolean full;
    boolean gc;
    String heap;
    String interval;
    boolean memory;
    String output;
    String pid;
    boolean pipe;
    boolean sleepless;
    boolean cpu;
    String timeout;
    String where;
    String exposure;
    boolean json;
    int mojoVersion;
    boolean usage;
    List<String> command = new ArrayList<>();

    private final OutputStream stdout;
    private PrintWriter err;

    /** @param streams stdout receives the samples without {@code -o}; messages go to the command line's err */
    AustinCommand(Cli.Streams streams) {
        this.stdout = streams.out();
        this.model = describe();
        this.spec = model.spec();
    }

    /** The options' values into the fields above, by name (see {@link CommandModel.Fields}). */
    private final class Assign implements CommandModel.Fields {
        @Override
        @SuppressWarnings("unchecked")
        public void assign(String field, Object value) {
            switch (field) {
                case "binary" -> binary = (Boolean) value;
                case "children" -> children = (Boolean) value;
                case "full" -> full = (Boolean) value;
                case "gc" -> gc = (Boolean) value;
                case "memory" -> memory = (Boolean) value;
                case "pipe" -> pipe = (Boolean) value;
                case "sleepless" -> sleepless = (Boolean) value;
                case "cpu" -> cpu = (Boolean) value;
                case "json" -> json = (Boolean) value;
                case "usage" -> usage = (Boolean) value;
                case "heap" -> heap = (String) value;
                case "interval" -> interval = (String) value;
                case "output" -> output = (String) value;
                case "pid" -> pid = (String) value;
                case "timeout" -> timeout = (String) value;
                case "where" -> where = (String) value;
                case "exposure" -> exposure = (String) value;
                case "mojoVersion" -> mojoVersion = (Integer) value;
                case "command" -> command = (List<String>) value;
                default -> throw new IllegalArgumentException("no field " + field);
            }
        }
    }

    /** The options, as Austin 3.7 lists them, bound to the fields above. */
    private CommandModel describe() {
        CommandModel m = new CommandModel(this, new Assign(), "austin")
                .flag("Emit data in the MOJO binary format.", "binary", "-b", "--binary")
                .flag("Attach to child processes.", "children", "-C", "--children")
                .flag("Produce the full set of metrics (time +mem -mem).", "full", "-f", "--full")
                .flag("Sample the garbage collector state.", "gc", "-g", "--gc")
                .text("n_mb", "Accepted for compatibility with Austin 3.7, where it caps the memory used to copy "
                        + "frame stacks in one read; it has no effect here, where a pass reads each stack in a few "
                        + "system calls whatever its depth.", "heap", "-h", "--heap")
                .text("n_us", "Sampling interval (default is 100us; 0 samples as fast as possible). Accepted units: "
                        + "s, ms, us.", "interval", "-i", "--interval")
                .flag("Profile memory usage.", "memory", "-m", "--memory")
                .text("FILE", "Specify an output file for the collected samples.", "output", "-o", "--output")
                .text("PID", "Attach to the process with the given PID.", "pid", "-p", "--pid")
                .flag("Pipe mode. Use when piping Austin output.", "pipe", "-P", "--pipe")
                .flag("Suppress idle samples to estimate CPU time.", "sleepless", "-s", "--sleepless")
                .flag("The same as -s, as Austin 4 spells it.", "cpu", "-c", "--cpu")
                .text("n_ms", "Start up wait time (default is 1s). Accepted units: s, ms.", "timeout", "-t",
                        "--timeout")
                .text("PID", "Dump the stacks of all the threads within the process with the given PID.",
                        "where", "-w", "--where")
                .text("n_sec", "Sample for n_sec seconds only.", "exposure", "-x", "--exposure")
                .usageHelp("Give this help list.", "-?", "--help")
                .flag("With -w: print the stacks as one JSON document, for scripts.", "json", "--json")
                .number("N", "With -b: the MOJO version to write, 3 (the default, as Austin 3.7) or 4 (as Austin 4, "
                        + "where a stack unchanged since the thread's previous sample is one event).", 3,
                        "mojoVersion", "--mojo-version")
                .flag("Give a short usage message.", "usage", "--usage")
                .debug()
                .versionHelp("Print program version.", "-V", "--version")
                .command("command");
        CommandSpec s = m.spec();
        s.versionProvider(new CommandLine.IVersionProvider() { // a class, not a lambda: see CommandModel
            @Override
            public String[] getVersion() {
                return new String[] {Version.line("austin")};
            }
        });
        s.usageMessage().width(80).autoWidth(false).synopsisHeading("")
                .customSynopsis("Usage: austin [OPTION...] command [ARG...]%n  or:  austin [OPTION...] -p PID")
                .descriptionHeading("%n")
                .description("Austin for the JVM is a frame stack sampler for CPython: it runs a command, or attaches "
                        + "to a running process, and samples the Python stacks of all its threads (and of its child "
                        + "processes, with -C) at a fixed interval, without stopping or instrumenting it. Each sample "
                        + "is written as a line of collapsed-stack text, or as MOJO binary, the formats of Austin 3.7.")
                .optionListHeading("%n")
                .footerHeading("%n")
                .footer("Units: -i takes us (the default), ms or s; -t takes ms (the default) or s; -x takes s (the "
                        + "default) or ms.",
                    "",
                    "Exit status: 0 done (whatever the target's own status); 64 bad option; 255 no command or PID, "
                        + "or the output file cannot be created; 32 not a Python process; 33 the command cannot be "
                        + "launched or ended before its interpreter was found; 35 no interpreter state within the -t "
                        + "time-out; 36 cannot attach to the given process; 37 permission denied; 39 not Python and "
                        + "no Python child processes (-C); 3 unknown or unsupported Python version; 74 the output "
                        + "could not be written; 254 stopped by SIGINT; 241 stopped by SIGTERM; 129 stopped by "
                        + "SIGHUP.");
        return m;
    }

    /** picocli's model of this command. */
    CommandModel model() {
        return model;
    }

    @Override
    public Integer call() throws ToolException {
        err = spec.commandLine().getErr();
        if (spec.commandLine().getParseResult().originalArgs().isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut()); // as Austin: no argument at all shows the usage
            return ExitCodes.OK;
        }
        if (usage) {
            spec.commandLine().getOut().println("Usage: austin [-bCfgmPs?V] [-h n_mb] [-i n_us] [-o FILE] [-p PID] "
                    + "[-t n_ms] [-w PID] [-x n_sec] command [ARG...]");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        SamplerOptions options;
        int attachPid = -1;
        try {
            options = options();
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
            if (json) {
                throw new IllegalArgumentException("--json goes with -w");
            }
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        if (attachPid < 0 && command.isEmpty()) {
            throw logged(new ToolException(NO_COMMAND_STATUS,
                    "I need either a command to run or a PID to attach to (see --help)", null));
        }
        if (mojoVersion != 3 && mojoVersion != 4) {
            throw usageError("--mojo-version must be 3 or 4, not " + mojoVersion);
        }
        logStart(options);
        OutputStream sink = Recording.open(output, stdout, NO_COMMAND_STATUS);
        OutputStream buffered = new BufferedOutputStream(sink, 1 << 16);
        // MOJO's header is written before the target starts, as Austin does.
        ProfileEventWriter writer = binary ? new MojoWriter(buffered, mojoVersion)
                : new CollapsedWriter(buffered, CollapsedWriter.Layout.AUSTIN);
        Sampler.Run r = Recording.run(attachPid, command, options, new Words(), writer, ExitCodes.IO_ERROR);
        if (r != null) {
            SamplerStats st = r.stats();
            SystemLog.info("Sampling ended after " + st.durationMicros() / 1000 + " ms: " + st.samples()
                    + " samples, " + st.errors() + " invalid, " + st.lateTicks() + " ticks skipped");
        }
        if (!pipe && r != null) {
            statistics(r.stats());
        }
        return Recording.stopStatus(r);
    }

    /** What Austin logs when it starts: the mode, the output, and the switches that do nothing. */
    private void logStart(SamplerOptions o) {
        SystemLog.info("Sampling interval: " + o.intervalMicros() + " \u03bcs");
        if (output != null) {
            SystemLog.info("Output file: " + output);
        }
        if (heap != null) {
            SystemLog.info("Maximum frame heap size: " + heap.strip() + " MB (no effect here)");
        }
        if (full) {
            if (memory) {
                SystemLog.warning("The memory switch is redundant in full mode");
            }
            if (sleepless || cpu) {
                SystemLog.warning("The sleepless switch is redundant in full mode");
            }
            SystemLog.info("Producing full set of metrics (time +mem -mem)");
        } else if (memory && (sleepless || cpu)) {
            SystemLog.warning("The sleepless switch is incompatible with memory mode.");
        }
    }

    private static ToolException logged(ToolException e) {
        return Recording.logged(e);
    }

    /** This personality's part in a run (see {@link Recording.Personality}). */
    private final class Words implements Recording.Personality {
        @Override
        public void started(Sampler.Run run) {
            AustinCommand.this.started(run);
        }

        @Override
        public void child(Sampler.ProcessInfo process) {
            AustinCommand.this.child(process);
        }

        @Override
        public int status(SamplerException failure) {
            return failure.exitStatus();
        }
    }

    private void started(Sampler.Run r) {
        if (pipe) {
            // As Austin 3.7 does in pipe mode, children's versions go to stderr as metadata lines.
            for (Sampler.ProcessInfo p : r.processes()) {
                if (p.child()) {
                    child(p);
                }
            }
            return;
        }
        err.println();
        err.println("austin " + Version.project() + " \u2014 sampling process " + r.pid() + " every "
                + intervalText());
        if (children) {
            err.println();
            err.println("Parent process");
        }
        err.println(r.runtime() == null ? "\uD83D\uDC7D Not a Python process."
                : "\uD83D\uDC0D Python version: " + r.runtime().version());
        if (children) {
            err.println();
            err.println("Child processes");
            for (Sampler.ProcessInfo p : r.processes()) {
                if (p.child()) {
                    child(p);
                }
            }
        }
        if (exposure != null) {
            err.println("\uD83D\uDD51 Sampling for " + exposureText());
        }
        err.flush();
    }

    /** A child process found (children mode): its version, on stderr. */
    private void child(Sampler.ProcessInfo p) {
        if (pipe) {
            err.println("# python: " + p.runtime().version());
        } else {
            err.println("\uD83D\uDC0D Python version: " + p.runtime().version() + " (process " + p.pid() + ")");
        }
        err.flush();
    }

    /** Where mode: one look at every thread, printed as Austin does (or as JSON), then exit 0. */
    private int where(int wherePid, SamplerOptions options) throws ToolException {
        Sampler.Snapshot snapshot = Recording.snapshot(wherePid, options, new Words());
        if (!pipe && !json) {
            err.println();
            for (Sampler.ProcessInfo p : snapshot.processes()) {
                err.println("\uD83D\uDC0D Python version: " + p.runtime().version() + " (process " + p.pid() + ")");
            }
            err.flush();
        }
        try {
            if (json) {
                WherePrinter.json(snapshot, stdout);
            } else {
                WherePrinter.text(snapshot, stdout);
            }
            stdout.flush();
        } catch (IOException e) {
            throw new ToolException(ExitCodes.IO_ERROR, "cannot write the output: " + reason(e), e);
        }
        return ExitCodes.OK;
    }

    private String intervalText() {
        return interval == null ? "100us" : interval.strip();
    }

    private String exposureText() {
        Duration x = Durations.parse(exposure, "s", "s", "ms");
        long millis = x.toMillis();
        if (millis % 1000 != 0) {
            return millis + " milliseconds";
        }
        long n = millis / 1000;
        return n + (n == 1 ? " second" : " seconds");
    }

    private void statistics(SamplerStats s) {
        err.println();
        if (s.samples() == 0) {
            err.println("\uD83D\uDE23 No samples collected.");
            err.flush();
            return;
        }
        double seconds = s.durationMicros() / 1e6;
        err.println("Statistics");
        err.println("\u231B Sampling duration : " + Decimals.fixed(seconds, 2) + " s");
        if (gc) {
            err.println("\uD83D\uDDD1\uFE0F  Garbage collector : " + Decimals.fixed(s.gcMicros() / 1e6, 2) + " s ("
                    + Decimals.fixed(s.durationMicros() == 0 ? 0.0 : 100.0 * s.gcMicros() / s.durationMicros(), 2)
                    + " %)");
        }
        err.println("\u23F1\uFE0F  Frame sampling (min/avg/max) : " + s.minMicros() + "/" + s.avgMicros() + "/"
                + s.maxMicros() + " \u03BCs");
        err.println("\uD83D\uDC22 Long sampling rate : " + s.saturated() + "/" + s.samples() + " ("
                + Decimals.fixed(100.0 * s.saturated() / s.samples(), 2) + " %) samples took longer than the interval");
        err.println("\uD83D\uDC80 Error rate : " + s.errors() + "/" + s.samples() + " ("
                + Decimals.fixed(100.0 * s.errors() / s.samples(), 2) + " %) invalid samples");
        err.println("\uD83D\uDCDE Memory reads : " + s.calls() + " system calls, "
                + Decimals.fixed(s.passes() == 0 ? 0.0 : s.calls() / (double) s.passes(), 1) + " per pass");
        err.flush();
    }

    private SamplerOptions options() {
        if (heap != null) {
            Durations.parse(heap, "s", "s"); // a whole number, as Austin requires; the value is not used
        }
        return SamplingArguments.apply(SamplerOptions.defaults(), interval, timeout, exposure,
                SamplingArguments.mode(full, memory, sleepless || cpu), gc, children)
                .withPipe(pipe).withTrapSignals(true).withQuietChild(output == null);
    }

    private static ToolException usageError(String message) {
        return new ToolException(ExitCodes.USAGE, message + "\nTry 'austin --help' or 'austin --usage' for more "
                + "information.", null);
    }

    private static String reason(Throwable e) {
        return Recording.reason(e);
    }
}
