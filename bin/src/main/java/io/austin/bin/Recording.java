package io.austin.bin;

import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SystemLog;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** One sampling run written out, as both of austin's personalities (Austin 3.7 and Austin 4) do it. */
final class Recording {
    private Recording() {
    }

    /**
     * A personality's part in a run: its words as the run starts and finds children, and its exit statuses. An
     * interface a command implements in one class, not three method references: each reference's call site is
     * linked through {@code java.lang.invoke} when first run, 0.3-1 ms of a JVM's start apiece.
     */
    interface Personality {
        /** The run, once attached, before its first samples. */
        void started(Sampler.Run run);

        /** A child process found, before its first samples. */
        void child(Sampler.ProcessInfo process);

        /** The exit status of a sampler failure, by the personality's rules. */
        int status(SamplerException failure);
    }

    /**
     * Samples the process {@code attachPid} (when not negative) or the spawned {@code command} into {@code writer}
     * until the run ends; the writer is finished, and closed on failure. {@code personality} receives the run once
     * attached and each child process found, before the samples that follow, and words the failures' statuses.
     *
     * @param ioStatus the exit status when the output cannot be written
     * @return the run, or null if it never attached
     * @throws ToolException with that status and a one-line message, which the system log also receives
     */
    static Sampler.Run run(int attachPid, List<String> command, SamplerOptions options, Personality personality,
            ProfileEventWriter writer, int ioStatus) throws ToolException {
        AtomicReference<Sampler.Run> run = new AtomicReference<>();
        Sampler.Listener listener = new Sampler.Listener() {
            @Override
            public void attached(Sampler.Run r) {
                run.set(r);
                SystemLog.info(r.runtime() == null ? "Process " + r.pid() + " is not a Python process"
                        : "Python version " + r.runtime().version() + " (process " + r.pid() + ")");
                for (Sampler.ProcessInfo p : r.processes()) {
                    if (p.child()) {
                        SystemLog.info("Child process " + p.pid() + ": Python version " + p.runtime().version());
                    }
                }
                personality.started(r);
            }

            @Override
            public void processAdded(Sampler.Run r, Sampler.ProcessInfo p) {
                SystemLog.info("Child process " + p.pid() + ": Python version " + p.runtime().version());
                personality.child(p);
            }
        };
        try {
            // Written on this thread, not through the stream: a run that only writes its events out needs nothing of
            // Reactor's, whose set-up (20-30 ms) would otherwise follow a short program's end.
            if (attachPid >= 0) {
                Sampler.attachAndWrite(attachPid, options, listener, writer);
            } else {
                Sampler.spawnAndWrite(command, options, listener, writer);
            }
        } catch (SamplerException s) {
            closeQuietly(writer); // written and closed by the run, unless it never started
            throw logged(new ToolException(personality.status(s), s.getMessage(), s));
        } catch (IOException io) {
            closeQuietly(writer);
            throw logged(new ToolException(ioStatus, "cannot write the output: " + reason(io), io));
        } catch (RuntimeException e) {
            closeQuietly(writer);
            SystemLog.error("unexpected failure: " + e);
            throw e;
        }
        return run.get();
    }

    /** Austin's status for a run a signal stopped (254 SIGINT, 241 SIGTERM, 129 SIGHUP), else 0. */
    static int stopStatus(Sampler.Run r) {
        int signal = r == null ? 0 : r.stopSignal();
        return signal == 2 ? AustinCommand.SIGINT_STATUS : signal == 15 ? AustinCommand.SIGTERM_STATUS
                : signal == 1 ? AustinCommand.SIGHUP_STATUS : ExitCodes.OK;
    }

    /** The samples' destination: the file {@code output}, or standard output when null. */
    static OutputStream open(String output, OutputStream stdout, int status) throws ToolException {
        if (output == null) {
            return unclosable(stdout);
        }
        try {
            return OutputFiles.open(output);
        } catch (IOException e) {
            throw logged(new ToolException(status, "cannot create the output file " + output + ": "
                    + ConverterCommand.reason(e), e));
        }
    }

    /**
     * Where mode's one look at every thread of {@code pid}; a failure is a ToolException with the personality's
     * status.
     */
    static Sampler.Snapshot snapshot(int pid, SamplerOptions options, Personality personality) throws ToolException {
        SystemLog.info("Where mode on process " + pid);
        try {
            return Sampler.snapshot(pid, options).block();
        } catch (SamplerException e) {
            throw logged(new ToolException(personality.status(e), e.getMessage(), e));
        }
    }

    /** Standard output for a writer: closing it flushes, and never closes the process's own stdout. */
    static OutputStream unclosable(OutputStream stdout) {
        return new FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** A writer that flushes after every event: pipe mode, where a reader parses samples as they come. */
    static ProfileEventWriter flushingEach(ProfileEventWriter w) {
        return new ProfileEventWriter() {
            @Override
            public void write(ProfileEvent event) throws IOException {
                w.write(event);
                w.flush();
            }

            @Override
            public void flush() throws IOException {
                w.flush();
            }

            @Override
            public void finish() throws IOException {
                w.finish();
            }

            @Override
            public void close() throws IOException {
                w.close();
            }
        };
    }

    static ToolException logged(ToolException e) {
        SystemLog.error(e.getMessage());
        return e;
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(ProfileEventWriter w) {
        try {
            w.close();
        } catch (IOException | RuntimeException ignored) {
            // reporting the first failure matters more
        }
    }
}
