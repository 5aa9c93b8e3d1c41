package io.austin.bin;

import io.austin.formats.Compat;
import io.austin.formats.FormatException;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * What the three converters share: {@code INPUT OUTPUT} (either may be {@code -}), {@code --compat},
 * {@code --debug}, and turning every failure into one line and an {@link ExitCodes} status.
 */
abstract class ConverterCommand implements Callable<Integer> {
    /** The name a speedscope document gets when the input is standard input. */
    static final String STDIN_NAME = "stdin";

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "MOJO or Austin text file (the format is detected), or - for standard input.")
    String input;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "The file to write, or - for standard output.")
    String output;

    @Option(names = "--compat", arity = "0..1", paramLabel = "VERSION", parameterConsumer = CompatVersion.class,
            description = "Reproduce the austin-python tool's output byte for byte, including the samples it loses: "
                    + "VERSION 1.7 (the default, austin-python 1.7.1, for Austin 3) or 2.2 (2.2.0, MOJO v4).")
    Compat compat = Compat.NONE;

    @Mixin(name = "debug")
    DebugMixin debug;

    final Cli.Streams streams;

    ConverterCommand(Cli.Streams streams) {
        this.streams = streams;
    }

    /**
     * This tool's conversion as a stream: the input {@code input} opens (on subscription, closed at the end), read,
     * converted and written to {@code out}; emits the number of bytes written.
     */
    abstract Mono<Long> convert(Callable<InputStream> input, OutputStream out);

    /** Work before INPUT and OUTPUT are opened (reading another input, say); fails without creating OUTPUT. */
    void prepare() throws ToolException {
    }

    /**
     * Reads {@code --compat}'s optional version only when one follows ({@code --compat 2.2}, {@code --compat=2.2}):
     * picocli's own optional values would take the INPUT of {@code --compat in.mojo out.json} for a version.
     */
    static final class CompatVersion implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec spec) {
            Compat value = Compat.AUSTIN_PYTHON_1_7;
            if (!args.isEmpty() && args.peek().matches("[0-9]+(\\.[0-9]+)*")) {
                String version = args.pop();
                switch (version) {
                    case "1.7":
                    case "1.7.1":
                        break;
                    case "2.2":
                    case "2.2.0":
                        value = Compat.AUSTIN_PYTHON_2_2;
                        break;
                    default:
                        throw new ParameterException(spec.commandLine(),
                                "unsupported --compat version '" + version + "' (use 1.7 or 2.2)");
                }
            }
            argSpec.setValue(value);
        }
    }

    /** The base name of the input, as the reference tools use it, or {@link #STDIN_NAME}. */
    final String inputName() {
        if ("-".equals(input)) {
            return STDIN_NAME;
        }
        Path name = Paths.get(input).getFileName();
        return name == null ? input : name.toString();
    }

    /** How messages name the input. */
    private String inputLabel() {
        return "-".equals(input) ? "standard input" : "'" + input + "'";
    }

    /** How messages name the output. */
    private String outputLabel() {
        return "-".equals(output) ? "standard output" : "'" + output + "'";
    }

    @Override
    public final Integer call() throws ToolException {
        // The public stream API all the way: the stream steps hand over the text lines completed before a failure
        // and drop the temporary files of the document writers.
        prepare();
        InputStream in = nonEmpty(openInput());
        try {
            OutputStream out = openOutput();
            try {
                convert(() -> in, out).block();
            } catch (RuntimeException e) {
                Throwable cause = Exceptions.unwrap(e);
                throw classify(cause);
            } catch (OutOfMemoryError e) {
                throw new ToolException(ExitCodes.INTERNAL, "out of memory: the input's distinct stacks and frames "
                        + "need more heap than the JVM has (raise it with AUSTIN_JAVA_OPTS=-Xmx1g)", e);
            } finally {
                closeOutput(out);
            }
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // Input fully read or abandoned: nothing more to learn from a failing close.
            }
        }
        return ExitCodes.OK;
    }

    private InputStream openInput() throws ToolException {
        if ("-".equals(input)) {
            return new InputGuard(new FilterInputStream(streams.in()) {
                @Override
                public void close() {
                    // Standard input belongs to the caller.
                }
            });
        }
        Path path = Paths.get(input);
        if (Files.isDirectory(path)) {
            throw new ToolException(ExitCodes.NO_INPUT, "cannot read input '" + input + "': is a directory", null);
        }
        try {
            return new InputGuard(Files.newInputStream(path));
        } catch (NoSuchFileException e) {
            throw new ToolException(ExitCodes.NO_INPUT, "no such input file: " + input, e);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.NO_INPUT, "cannot read input '" + input + "': " + reason(e), e);
        }
    }

    /**
     * The input, checked to have at least one byte: an empty file (or a pipe closed before writing) is an error, not
     * an empty profile, since no profiler run writes nothing. Waits for the first byte of a pipe or FIFO.
     */
    private InputStream nonEmpty(InputStream in) throws ToolException {
        PushbackInputStream peek = new PushbackInputStream(in, 1);
        int first;
        try {
            first = peek.read();
        } catch (IOException e) {
            closeQuietly(in);
            throw new ToolException(ExitCodes.NO_INPUT, "cannot read input " + inputLabel() + ": " + reason(e), e);
        }
        if (first < 0) {
            closeQuietly(in);
            throw new ToolException(ExitCodes.CORRUPT_INPUT, "empty input: " + inputLabel()
                    + " has no data (neither MOJO nor Austin text)", null);
        }
        try {
            peek.unread(first);
        } catch (IOException cannot) {
            throw new IllegalStateException(cannot); // a pushback buffer of one byte always takes one byte back
        }
        return peek;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read
        }
    }

    private OutputStream openOutput() throws ToolException {
        if ("-".equals(output)) {
            return new OutputGuard(new BufferedOutputStream(streams.out(), 1 << 16), false);
        }
        Path path = Paths.get(output);
        try {
            if (!"-".equals(input) && Files.exists(path) && Files.isSameFile(path, Paths.get(input))) {
                throw new ToolException(ExitCodes.USAGE, "the output '" + output + "' is the input file", null);
            }
            return new OutputGuard(new BufferedOutputStream(OutputFiles.open(output), 1 << 16), true);
        } catch (IOException e) {
            throw new ToolException(ExitCodes.CANNOT_CREATE_OUTPUT,
                    "cannot create output '" + output + "': " + reason(e), e);
        }
    }

    private void closeOutput(OutputStream out) throws ToolException {
        try {
            out.close(); // flushes what was written, also after a failure
        } catch (IOException e) {
            throw new ToolException(ExitCodes.IO_ERROR, "cannot write output " + outputLabel() + ": " + reason(e), e);
        }
    }

    private ToolException classify(Throwable t) {
        if (t instanceof ToolException e) {
            return e;
        }
        if (t instanceof FormatException) {
            return new ToolException(ExitCodes.CORRUPT_INPUT,
                    "corrupt input " + inputLabel() + ": " + t.getMessage(), t);
        }
        if (t instanceof InputFailure) {
            return new ToolException(ExitCodes.IO_ERROR,
                    "cannot read input " + inputLabel() + ": " + reason((IOException) t.getCause()), t);
        }
        if (t instanceof OutputFailure) {
            return new ToolException(ExitCodes.IO_ERROR,
                    "cannot write output " + outputLabel() + ": " + reason((IOException) t.getCause()), t);
        }
        if (t instanceof IOException) {
            return new ToolException(ExitCodes.IO_ERROR, "I/O error: " + reason((IOException) t), t);
        }
        return new ToolException(ExitCodes.INTERNAL, "internal error: " + t
                + (debug.debug ? "" : " (run with --debug for the stack trace)"), t);
    }

    /** The OS's reason, without the path the message already names. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A failure of the input stream itself, told apart from a format error of what it delivered. */
    private static final class InputFailure extends IOException {
        private static final long serialVersionUID = 1L;

        InputFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A failure to write the output. */
    private static final class OutputFailure extends IOException {
        private static final long serialVersionUID = 1L;

        OutputFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class InputGuard extends FilterInputStream {
        InputGuard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new InputFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new InputFailure(e);
            }
        }
    }

    private static final class OutputGuard extends FilterOutputStream {
        private final boolean closeUnderlying;

        OutputGuard(OutputStream out, boolean closeUnderlying) {
            super(out);
            this.closeUnderlying = closeUnderlying;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new OutputFailure(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new OutputFailure(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closeUnderlying) {
                out.close();
            } else {
                out.flush();
            }
        }
    }
}
