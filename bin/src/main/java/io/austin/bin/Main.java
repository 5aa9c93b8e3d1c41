package io.austin.bin;

import io.austin.sampler.SystemLog;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Entry point of the shaded jar: runs the tool named by the {@code austin.tool} system property (the launcher
 * scripts set it), or else by the first argument: {@code java -jar austin.jar mojo2austin in.mojo out.austin}.
 */
public final class Main {
    private Main() {
    }

    /** Runs the tool and exits with its status. */
    public static void main(String[] args) {
        // JNA names a java.util.logging logger as it loads, and the JDK then finds, reads and parses its own
        // logging.properties (about 12 ms of CPU on the sampler's start-up path). The tools log nothing through it,
        // and a library's console message would only break Austin's streams: no configuration, no handler.
        if (System.getProperty("java.util.logging.config.file") == null) {
            byDefault("java.util.logging.config.class", NoLoggingConfiguration.class.getName());
        }
        // picocli registers converters for java.time and java.sql types by looking each class and its parse method
        // up reflectively (about 12 ms of a start-up, loading 70 classes); no option here takes one.
        byDefault("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        int status = run(args, Cli.Streams.system());
        SystemLog.flush(); // a message logged while the native binding was being made is sent before the exit
        System.exit(status);
    }

    /** Sets a system property unless the user did ({@code AUSTIN_JAVA_OPTS} comes last): theirs wins. */
    private static void byDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** A {@code java.util.logging} configuration that configures nothing (the JDK instantiates it by name). */
    public static final class NoLoggingConfiguration {
        /** Leaves the log manager empty. */
        public NoLoggingConfiguration() {
            // nothing to read
        }
    }

    /** Picks the tool and runs it; returns the exit status. */
    static int run(String[] args, Cli.Streams streams) {
        String tool = System.getProperty("austin.tool", "");
        if (Training.TOOL.equals(tool)) {
            return Training.run(System.getProperty("austin.train", ""));
        }
        String[] rest = args;
        if (tool.isEmpty()) {
            if (args.length == 0 || !Cli.tools().contains(args[0])) {
                PrintStream err = new PrintStream(streams.err(), true, StandardCharsets.UTF_8);
                err.println("usage: java -jar austin.jar TOOL [ARGS...]; tools: " + String.join(", ", Cli.tools()));
                return ExitCodes.USAGE;
            }
            tool = args[0];
            rest = Arrays.copyOfRange(args, 1, args.length);
        }
        return Cli.run(tool, streams, rest);
    }
}
