package io.austin.bin;

import io.austin.formats.ProfileEvent;
import io.austin.formats.ProfileEventWriter;
import io.austin.formats.StackEvents;
import io.austin.sampler.Sampler;
import io.austin.sampler.SamplerException;
import io.austin.sampler.SamplerOptions;
import io.austin.sampler.SystemLog;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.ToIntFunction;
import reactor.core.publisher.Flux;

/** One sampling run written out, as both of austin's personalities (Austin 3.7 and Austin 4) do it. */
final class Recording {
    private Recording() {
    }

    /**
     * Samples the process {@code attachPid} (when not negative) or the spawned {@code command} into {@code writer}
     * until the run ends; the writer is finished, and closed on failure.
     *
     * @param status   the exit status of a sampler failure, by the personality's rules
     * @param ioStatus the exit status when the output cannot be written
     * @throws ToolException with that status and a one-line message, which the system log also receives
     */
    static void run(int attachPid, List<String> command, SamplerOptions options, Sampler.Listener listener,
            ProfileEventWriter writer, ToIntFunction<SamplerException> status, int ioStatus) throws ToolException {
        try {
            Flux<ProfileEvent> events = attachPid >= 0
                    ? Sampler.attach(attachPid, options, listener)
                    : Sampler.spawn(command, options, listener);
            events.as(StackEvents.write(() -> writer)).block();
        } catch (RuntimeException e) {
            closeQuietly(writer);
            Throwable cause = reactor.core.Exceptions.unwrap(e);
            if (cause instanceof SamplerException s) {
                throw logged(new ToolException(status.applyAsInt(s), s.getMessage(), s));
            }
            if (cause instanceof IOException io) {
                throw logged(new ToolException(ioStatus, "cannot write the output: " + reason(io), io));
            }
            SystemLog.error("unexpected failure: " + cause);
            throw e;
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
