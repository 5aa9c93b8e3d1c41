package io.austin.bin;

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
        System.exit(run(args, Cli.Streams.system()));
    }

    /** Picks the tool and runs it; returns the exit status. */
    static int run(String[] args, Cli.Streams streams) {
        String tool = System.getProperty("austin.tool", "");
        if (Training.TOOL.equals(tool)) {
            return Training.run();
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
