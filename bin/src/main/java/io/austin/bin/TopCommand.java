package io.austin.bin;

import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.formats.mojo.MojoWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SamplerStats;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * {@code austin-top}: a live, full-screen table of the functions a Python program spends its time (or memory) in,
 * sampled with austin's options. The screen is {@link TopScreen} (JLine); the numbers are {@link TopModel} and
 * {@link TopTable}, fed by {@link Sampler#attach}.
 */
@Command(name = "austin-top", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Version.class,
        synopsisHeading = "",
        customSynopsis = {"Usage: austin-top [OPTION...] COMMAND [ARG...]",
            "   or: austin-top [OPTION...] -p PID"},
        description = {"Show a live, full-screen table of the functions a Python program spends its time (or "
                + "memory) in: own and total share and value, file and line, refreshed every second over the last "
                + "seconds or since the start, for every thread, a process or a thread. Sampling is austin's, with "
                + "the same options; -o saves what was sampled as MOJO."},
        footerHeading = "%n",
        footer = {"Keys: q quit; s sort (own, total, name); w window (last seconds, since start); t/T scope (all "
                + "threads, each process, each thread); m metric (memory and full modes); p pause (the view "
                + "freezes, sampling goes on); / search by name (Enter keeps, Esc clears); Enter the callers of "
                + "the selected function (Esc back); arrows, PageUp, PageDown, Home, End move."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:quit with q (whatever the target's own status)",
            "64:bad option, no command or PID, or not on a terminal",
            "73:the output file cannot be created", "74:the output file could not be written",
            "32:not a Python process", "33:the command cannot be started, or ended before its interpreter was found",
            "35:no interpreter state within the -t time-out", "36:cannot attach to the given process",
            "37:permission denied", "39:not Python and no Python child processes (-C)",
            "3:unknown or unsupported Python version", "70:internal error"})
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-C", "--children"}, description = "Attach to child processes.")
    boolean children;

    @Option(names = {"-f", "--full"},
            description = "Sample CPU time, wall time and memory together (m cycles through them).")
    boolean full;

    @Option(names = {"-g", "--gc"}, description = "Sample the garbage collector state.")
    boolean gc;

    @Option(names = {"-i", "--interval"}, paramLabel = "n_us",
            description = "Sampling interval (default is 1ms; 0 samples as fast as possible). Accepted units: s, "
                    + "ms, us.")
    String interval;

    @Option(names = {"-m", "--memory"},
            description = "Profile memory usage (allocated; m switches to deallocated).")
    boolean memory;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Also save the samples to FILE, as MOJO; complete (with its footer) once austin-top quits.")
    String output;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "Attach to the process with the given PID.")
    String pid;

    @Option(names = {"-s", "--sleepless"}, description = "Suppress idle samples to estimate CPU time.")
    boolean sleepless;

    @Option(names = {"-c", "--cpu"}, description = "The same as -s.")
    boolean cpu;

    @Option(names = {"-t", "--timeout"}, paramLabel = "n_ms",
            description = "Start up wait time (default is 1s). Accepted units: s, ms.")
    String timeout;

    @Option(names = {"-x", "--exposure"}, paramLabel = "n_sec",
            description = "Sample for n_sec seconds only; the view stays until q.")
    String exposure;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "The sliding window's length (default 10 seconds); w switches to since start.")
    int window = 10;

    @picocli.CommandLine.Mixin(name = "debug")
    DebugMixin debug;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command to run, with its arguments (its output is discarded; its standard error is "
                    + "shown once austin-top quits).")
    List<String> command = new ArrayList<>();

    TopCommand(Cli.Streams streams) {
        // The screen is the terminal itself; picocli's streams carry --help and the failure line.
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        SamplerOptions options;
        int attachPid = -1;
        try {
            options = options();
            if (pid != null) {
                attachPid = SamplingArguments.parsePid(pid);
                if (!command.isEmpty()) {
                    throw new IllegalArgumentException("the -p option is incompatible with the command argument");
                }
            } else if (command.isEmpty()) {
                throw new IllegalArgumentException("I need either a command to run or a PID to attach to");
            }
            if (window < 1) {
                throw new IllegalArgumentException("--window must be at least 1 second");
            }
        } catch (IllegalArgumentException e) {
            throw new ToolException(ExitCodes.USAGE, e.getMessage() + "\nTry 'austin-top --help' for more "
                    + "information.", null);
        }
        ProfileEventWriter writer = null;
        if (output != null) {
            try {
                writer = new MojoWriter(new BufferedOutputStream(OutputFiles.open(output), 1 << 16));
            } catch (IOException e) {
                throw new ToolException(ExitCodes.CANNOT_CREATE_OUTPUT, "cannot create the output file " + output
                        + ": " + ConverterCommand.reason(e), e);
            }
        }
        Live live = new Live(new TopModel(window), writer);
        TopScreen screen;
        try {
            screen = TopScreen.open(live.model, live);
        } catch (ToolException e) {
            live.closeWriter();
            throw e;
        }
        Sinks.Empty<Void> stop = Sinks.empty();
        Thread restore = new Thread(() -> {
            screen.close(); // SIGTERM or SIGHUP: the terminal must not stay raw on the alternate screen
            live.stopChild();
        }, "austin-top-restore");
        Runtime.getRuntime().addShutdownHook(restore);
        try {
            if (attachPid < 0) {
                attachPid = live.start(command);
            }
            live.target = "pid " + attachPid;
            live.subscribe(Sampler.attach(attachPid, options.withStop(stop.asMono()), live));
            screen.run();
        } finally {
            screen.close();
            stop.tryEmitEmpty(); // the footer is written, the run completes
            live.finish();
            live.stopChild();
            live.showChildErrors(err);
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway
            }
        }
        return live.status();
    }

    /** The running session: the model fed by the stream, the output file, the started command. */
    private static final class Live implements TopView.RunView, Sampler.Listener {
        final TopModel model;
        private final ProfileEventWriter writer; // written on the sampler's thread, closed on the main one
        private final AtomicReference<Sampler.Run> run = new AtomicReference<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean completed;
        private volatile String target = "starting";
        private Disposable subscription;
        private Process child;
        private Path childErrors;
        private IOException writeFailure;

        Live(TopModel model, ProfileEventWriter writer) {
            this.model = model;
            this.writer = writer;
        }

        /** Starts the command: input from /dev/null, output discarded, errors kept for after the view. */
        int start(List<String> command) throws ToolException {
            try {
                childErrors = Files.createTempFile("austin-top-", ".stderr");
                child = new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null")))
                        .redirectOutput(Redirect.DISCARD).redirectError(childErrors.toFile()).start();
                return (int) child.pid();
            } catch (IOException e) {
                throw new ToolException(33, "cannot launch the given command '" + command.get(0) + "': "
                        + ConverterCommand.reason(e), e);
            }
        }

        void subscribe(reactor.core.publisher.Flux<ProfileEvent> events) {
            subscription = events.subscribe(this::accept, e -> {
                failure.set(e);
                done.countDown();
            }, () -> {
                completed = true;
                done.countDown();
            });
        }

        private void accept(ProfileEvent e) {
            model.accept(e);
            if (writer != null) {
                synchronized (writer) {
                    if (writeFailure == null) {
                        try {
                            writer.write(e);
                        } catch (IOException io) {
                            writeFailure = io;
                        }
                    }
                }
            }
        }

        @Override
        public void attached(Sampler.Run r) {
            run.set(r);
            target = "pid " + r.pid() + (r.runtime() == null ? "" : " \u00b7 Python " + r.runtime().version());
        }

        @Override
        public void processAdded(Sampler.Run r, Sampler.ProcessInfo p) {
            target = "pid " + r.pid() + " + " + (r.processes().size() - 1) + " more";
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public SamplerStats stats() {
            Sampler.Run r = run.get();
            return r == null ? null : r.stats();
        }

        @Override
        public Duration elapsed() {
            Sampler.Run r = run.get();
            return r == null ? Duration.ZERO : r.elapsed();
        }

        @Override
        public String ended() {
            if (!completed) {
                return null;
            }
            if (child != null && !child.isAlive()) {
                return "ended: exit " + child.exitValue() + ", q quits";
            }
            return "sampling ended, q quits";
        }

        @Override
        public boolean failed() {
            return failure.get() != null;
        }

        /** Waits for the run to complete (its footer written), cancelling it if it does not promptly. */
        void finish() {
            try {
                if (subscription != null && !done.await(3, TimeUnit.SECONDS)) {
                    subscription.dispose();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                subscription.dispose();
            }
            closeWriter();
        }

        void closeWriter() {
            if (writer == null) {
                return;
            }
            synchronized (writer) {
                try {
                    writer.close();
                } catch (IOException e) {
                    if (writeFailure == null) {
                        writeFailure = e;
                    }
                }
            }
        }

        /** A started command still running is asked to end, then killed, and reaped. */
        synchronized void stopChild() {
            if (child == null || !child.isAlive()) {
                return;
            }
            try {
                child.destroy();
                if (!child.waitFor(2, TimeUnit.SECONDS)) {
                    child.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.destroyForcibly();
            }
        }

        /** What the started command wrote on its standard error, now that the terminal is the shell's again. */
        void showChildErrors(PrintWriter err) {
            if (childErrors == null) {
                return;
            }
            try {
                if (Files.size(childErrors) > 0) {
                    err.flush();
                    try (OutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.err)) {
                        Files.copy(childErrors, new java.io.FilterOutputStream(out) {
                            @Override
                            public void close() throws IOException {
                                flush(); // never close the process's stderr
                            }
                        });
                    }
                }
            } catch (IOException ignored) {
                // the command's messages are a courtesy
            } finally {
                try {
                    Files.deleteIfExists(childErrors);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }

        /** The exit status once everything is closed: 0, or the failure's. */
        int status() throws ToolException {
            Throwable t = failure.get();
            if (t != null) {
                Throwable cause = reactor.core.Exceptions.unwrap(t);
                if (cause instanceof SamplerException s) {
                    if (child != null && !child.isAlive()) {
                        throw new ToolException(33, "the command ended (exit status " + child.exitValue()
                                + ") before its interpreter was found: " + s.getMessage(), s);
                    }
                    throw new ToolException(s.exitStatus(), s.getMessage(), s);
                }
                throw new ToolException(ExitCodes.INTERNAL, "internal error: " + cause, cause);
            }
            if (writeFailure != null) {
                throw new ToolException(ExitCodes.IO_ERROR, "cannot write the output: "
                        + ConverterCommand.reason(writeFailure), writeFailure);
            }
            return ExitCodes.OK;
        }
    }

    private SamplerOptions options() {
        // A live view runs long: 1 ms unless -i says otherwise.
        return SamplingArguments.apply(SamplerOptions.defaults().withInterval(Duration.ofMillis(1)), interval, timeout,
                exposure, SamplingArguments.mode(full, memory, sleepless || cpu), gc, children);
    }
}
