package io.austin.bin;

import io.austin.formats.StackEventWriter;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SamplerOptions.Mode;
import io.austin.sampler.SamplerStats;
import io.austin.sampler.linux.Signals;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * {@code austin}: samples a Python program's frame stacks and writes Austin's collapsed text or MOJO. Options
 * follow Austin 3.7; see {@code --help}.
 */
@Command(name = "austin", mixinStandardHelpOptions = false, sortOptions = false, versionProvider = Version.class,
        usageHelpAutoWidth = true,
        description = {
            "Frame stack sampler for CPython. Runs COMMAND (or attaches to PID) and samples the Python stacks of all",
            "its threads at a fixed interval, without stopping it, writing one line (or MOJO record) per sample.",
            ""},
        footer = {"",
            "Units: -i takes us (default), ms or s; -t takes ms (default) or s; -x takes seconds.",
            "Exit status: 0 done; 64 bad option; 255 no command, or output not writable; 32 not Python;",
            "33 cannot launch or exited too soon; 35 start-up time-out; 36 cannot attach; 37 permission denied;",
            "38 no such process; 3 unknown Python version; 74 output write failed; 254 stopped by SIGINT;",
            "241 stopped by SIGTERM."})
public final class AustinCommand implements Callable<Integer> {
    /** Exit status for SIGINT, as Austin. */
    static final int SIGINT_STATUS = 254;
    /** Exit status for SIGTERM, as Austin. */
    static final int SIGTERM_STATUS = 241;
    /** No command and no pid; or the output file cannot be created. */
    static final int NO_COMMAND_STATUS = 255;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--binary"}, description = "Write MOJO binary instead of text.")
    boolean binary;

    @Option(names = {"-C", "--children"}, description = "Also sample the child processes (not implemented yet).")
    boolean children;

    @Option(names = {"-f", "--full"}, description = "Full metrics: time, idle flag and memory delta per sample.")
    boolean full;

    @Option(names = {"-g", "--gc"}, description = "Mark samples taken while the garbage collector runs.")
    boolean gc;

    @Option(names = {"-h", "--heap"}, paramLabel = "n_mb",
            description = "Accepted for compatibility with Austin; it has no effect here.")
    String heap;

    @Option(names = {"-i", "--interval"}, paramLabel = "n_us",
            description = "Time between two samples (default 100us); 0 samples as fast as possible.")
    String interval;

    @Option(names = {"-m", "--memory"}, description = "Sample resident memory deltas instead of time.")
    boolean memory;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write samples to FILE, not stdout.")
    String output;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Sample the running process PID.")
    String pid;

    @Option(names = {"-P", "--pipe"},
            description = "Pipe mode: nothing on stderr; the Python version and statistics go into the output.")
    boolean pipe;

    @Option(names = {"-s", "--sleepless", "-c", "--cpu"}, description = "Only sample threads on a CPU (CPU time).")
    boolean sleepless;

    @Option(names = {"-t", "--timeout"}, paramLabel = "n_ms",
            description = "How long to wait for the Python interpreter at start-up (default 1s).")
    String timeout;

    @Option(names = {"-w", "--where"}, paramLabel = "PID",
            description = "Print the stacks of PID's threads once (not implemented yet).")
    String where;

    @Option(names = {"-x", "--exposure"}, paramLabel = "n_sec", description = "Sample for n_sec seconds only.")
    String exposure;

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--usage", description = "Show a short usage line and exit.")
    boolean usage;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit.")
    boolean version;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to run, with its arguments.")
    List<String> command = new ArrayList<>();

    private final OutputStream stdout;
    private PrintWriter err;

    /** @param streams stdout receives the samples without {@code -o}; messages go to the command line's err */
    AustinCommand(Cli.Streams streams) {
        this.stdout = streams.out();
    }

    @Override
    public Integer call() {
        err = spec.commandLine().getErr();
        if (spec.commandLine().getParseResult().originalArgs().isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut()); // as Austin: no argument at all shows the usage
            return 0;
        }
        if (usage) {
            spec.commandLine().getOut().println(spec.commandLine().getHelp().synopsis(0).strip());
            spec.commandLine().getOut().flush();
            return 0;
        }
        SamplerOptions options;
        int attachPid = -1;
        try {
            options = options();
            if (pid != null) {
                attachPid = parsePid(pid);
                if (!command.isEmpty()) {
                    throw new IllegalArgumentException("give either a command or -p PID, not both");
                }
            }
            if (children) {
                throw new IllegalArgumentException("-C/--children is not implemented yet");
            }
            if (where != null) {
                throw new IllegalArgumentException("-w/--where is not implemented yet");
            }
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        if (attachPid < 0 && command.isEmpty()) {
            err.println("austin: no command to run and no process to attach to (-p PID).");
            err.println("Try 'austin --help' for more information.");
            err.flush();
            return NO_COMMAND_STATUS;
        }

        OutputStream sink;
        try {
            sink = output == null ? new FilterOutputStream(stdout) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // never close the process's stdout
                }
            } : new FileOutputStream(output);
        } catch (FileNotFoundException e) {
            err.println("austin: cannot create the output file " + output + ": " + reason(e));
            err.flush();
            return NO_COMMAND_STATUS;
        }
        OutputStream buffered = new BufferedOutputStream(sink, 1 << 16);
        // MOJO's header is written before the target starts, as Austin does.
        StackEventWriter writer = binary ? new MojoWriter(buffered)
                : new CollapsedWriter(buffered, CollapsedWriter.Options.defaults());

        Sinks.Empty<Void> stop = Sinks.empty();
        AtomicInteger signalled = new AtomicInteger();
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        Signals.Handle handle = Signals.onStop(sig -> {
            if (signalled.compareAndSet(0, sig)) {
                Sampler.Run r = run.get();
                if (r != null && r.spawned()) {
                    Signals.send(r.pid(), sig);
                }
                stop.tryEmitEmpty();
            }
        });
        options = options.withStop(stop.asMono());
        try {
            Flux<io.austin.formats.StackEvent> events = attachPid >= 0
                    ? Sampler.attach(attachPid, options, r -> started(r, run))
                    : Sampler.spawn(command, options, r -> started(r, run));
            events.as(StackEvents.write(() -> writer)).block();
        } catch (SamplerException e) {
            closeQuietly(writer);
            err.println();
            err.println("austin: " + e.getMessage());
            err.flush();
            return e.exitStatus();
        } catch (RuntimeException e) {
            closeQuietly(writer);
            Throwable cause = reactor.core.Exceptions.unwrap(e);
            if (cause instanceof SamplerException) {
                err.println("austin: " + cause.getMessage());
                err.flush();
                return ((SamplerException) cause).exitStatus();
            }
            err.println("austin: cannot write the output: " + reason(cause));
            err.flush();
            return ExitCodes.IO_ERROR;
        } finally {
            handle.close();
        }
        Sampler.Run r = run.get();
        if (!pipe && r != null) {
            statistics(r.stats());
        }
        int sig = signalled.get();
        return sig == Signals.SIGINT ? SIGINT_STATUS : sig == Signals.SIGTERM ? SIGTERM_STATUS : 0;
    }

    private void started(Sampler.Run r, AtomicReference<Sampler.Run> run) {
        run.set(r);
        if (!pipe) {
            err.println();
            err.println("austin " + Version.project() + " \u2014 sampling process " + r.pid() + " every "
                    + intervalText());
            err.println("\uD83D\uDC0D Python version: " + r.runtime().version());
            if (exposure != null) {
                long n = Long.parseLong(exposure.strip());
                err.println("\uD83D\uDD51 Sampling for " + n + (n == 1 ? " second" : " seconds"));
            }
            err.flush();
        }
    }

    private String intervalText() {
        return interval == null ? "100us" : interval.strip();
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
        err.println(String.format(Locale.ROOT, "\u231B Sampling duration : %.2f s", seconds));
        if (gc) {
            err.println(String.format(Locale.ROOT, "\uD83D\uDDD1\uFE0F  Garbage collector : %.2f s (%.2f %%)",
                    s.gcMicros() / 1e6, s.durationMicros() == 0 ? 0.0 : 100.0 * s.gcMicros() / s.durationMicros()));
        }
        err.println("\u23F1\uFE0F  Frame sampling (min/avg/max) : " + s.minMicros() + "/" + s.avgMicros() + "/"
                + s.maxMicros() + " \u03BCs");
        err.println(String.format(Locale.ROOT, "\uD83D\uDC22 Long sampling rate : %d/%d (%.2f %%) samples took "
                + "longer than the interval", s.saturated(), s.samples(), 100.0 * s.saturated() / s.samples()));
        err.println(String.format(Locale.ROOT, "\uD83D\uDC80 Error rate : %d/%d (%.2f %%) invalid samples",
                s.errors(), s.samples(), 100.0 * s.errors() / s.samples()));
        err.println(String.format(Locale.ROOT, "\uD83D\uDCDE Memory reads : %d system calls, %.1f per pass",
                s.calls(), s.passes() == 0 ? 0.0 : s.calls() / (double) s.passes()));
        err.flush();
    }

    private SamplerOptions options() {
        SamplerOptions o = SamplerOptions.defaults();
        if (interval != null) {
            o = o.withInterval(Durations.parse(interval, "us", "us", "ms", "s"));
        }
        if (timeout != null) {
            Duration t = Durations.parse(timeout, "ms", "ms", "s");
            if (t.isZero()) {
                throw new IllegalArgumentException("the time-out must be positive");
            }
            o = o.withTimeout(t);
        }
        if (exposure != null) {
            Duration x = Durations.parse(exposure, "s", "s");
            if (x.isZero()) {
                throw new IllegalArgumentException("the exposure must be positive");
            }
            o = o.withExposure(x);
        }
        if (heap != null) {
            Durations.parse(heap, "s", "s"); // a whole number, as Austin requires; the value is not used
        }
        Mode mode = full ? Mode.FULL : memory ? Mode.MEMORY : sleepless ? Mode.CPU : Mode.WALL;
        return o.withMode(mode).withGc(gc).withPipe(pipe);
    }

    private static int parsePid(String text) {
        try {
            int p = Integer.parseInt(text.strip());
            if (p <= 0) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid PID '" + text + "'");
        }
    }

    private int usageError(String message) {
        err.println("austin: " + message);
        err.println("Try 'austin --help' or 'austin --usage' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(StackEventWriter w) {
        try {
            w.close();
        } catch (IOException | RuntimeException ignored) {
            // reporting the first failure matters more
        }
    }
}
