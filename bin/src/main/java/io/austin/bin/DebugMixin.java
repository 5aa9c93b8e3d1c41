package io.austin.bin;

import picocli.CommandLine.Option;

/** {@code --debug}, shared by every tool: a failure's stack trace follows its one-line message. */
final class DebugMixin {
    /** The option's description, for the commands built without annotations too ({@link CommandModel#debug()}). */
    static final String DESCRIPTION = "Print the stack trace of a failure.";

    @Option(names = "--debug", description = DESCRIPTION)
    boolean debug;
}
