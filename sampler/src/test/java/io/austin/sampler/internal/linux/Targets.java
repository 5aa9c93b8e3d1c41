package io.austin.sampler.internal.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Spawns target processes for the tests and always cleans them up. */
public final class Targets {
    /** Interpreters the tests try: {@link io.austin.sampler.Pythons#ALL}, absent ones skipped (or failed in CI). */
    public static final List<String> INTERPRETERS = io.austin.sampler.Pythons.ALL.stream()
            .map(py -> py.path().toString()).toList();

    /**
     * Prints the ground truth (the runtime address from ctypes, the version) and sleeps. The address is that of
     * the {@code _PyRuntime} symbol as the dynamic loader resolved it.
     */
    public static final String SCRIPT = "import time,ctypes,sys; print(hex(ctypes.addressof(ctypes.c_char.in_dll("
            + "ctypes.pythonapi,'_PyRuntime'))), sys.hexversion, flush=True); time.sleep(30)";

    private Targets() {
    }

    public static Stream<String> interpreters() {
        return INTERPRETERS.stream();
    }

    /** Skips the calling test if the interpreter is not installed here (fails it when all are required). */
    public static Path require(final String interpreter) {
        final Path exe = Path.of(interpreter);
        if (!Files.isExecutable(exe) && io.austin.sampler.Pythons.REQUIRED) {
            org.junit.jupiter.api.Assertions.fail(interpreter + " is not installed and AUSTIN_PYTHONS=required");
        }
        assumeTrue(Files.isExecutable(exe), () -> interpreter + " is not installed");
        return exe;
    }

    /** A spawned process; closing it kills it and waits (bounded) for it to go. */
    public static final class Target implements AutoCloseable {
        final Process process;
        final String firstLine;

        Target(final Process process, final String firstLine) {
            this.process = process;
            this.firstLine = firstLine;
        }

        public int pid() {
            return (int) process.pid();
        }

        /** Fields of the first line printed by {@link #SCRIPT}: address (hex) and hexversion. */
        public long runtimeAddress() {
            return Long.parseLong(firstLine.split(" ")[0].substring(2), 16);
        }

        public long hexVersion() {
            return Long.parseLong(firstLine.split(" ")[1]);
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts a Python target and waits (bounded) until it has printed its ground truth. */
    public static Target python(final Path exe) throws IOException {
        return spawn(List.of(exe.toString(), "-S", "-c", SCRIPT), true);
    }

    /** Starts a command; if {@code waitForLine}, waits for its first output line. */
    public static Target spawn(final List<String> command, final boolean waitForLine) throws IOException {
        final ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        if (!waitForLine) {
            return new Target(pb.redirectError(ProcessBuilder.Redirect.DISCARD).start(), "");
        }
        return start(pb);
    }

    /** Starts a prepared command and waits (bounded) for its first output line. */
    public static Target start(final ProcessBuilder pb) throws IOException {
        final List<String> command = pb.command();
        final Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (final IOException e) {
                return null;
            }
        });
        try {
            final String text = line.get(20, TimeUnit.SECONDS);
            if (text == null) {
                throw new IOException("target " + command + " printed nothing");
            }
            return new Target(p, text.trim());
        } catch (final InterruptedException | ExecutionException | TimeoutException | IOException e) {
            p.destroyForcibly();
            throw new IOException("target " + command + " did not start: " + e, e);
        }
    }

    /** A PID that certainly does not exist now: that of a child that has exited and been reaped. */
    public static int vanishedPid() throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("/bin/true").start();
        p.waitFor(10, TimeUnit.SECONDS);
        final int pid = (int) p.pid();
        assumeTrue(!Files.exists(Path.of("/proc", Integer.toString(pid))), "PID reused already");
        return pid;
    }
}
