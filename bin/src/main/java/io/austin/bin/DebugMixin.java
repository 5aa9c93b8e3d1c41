package io.austin.bin;

import picocli.CommandLine.Option;

/** {@code --debug}, shared by every tool: a failure's stack trace follows its one-line message. */
final class DebugMixin {
    @Option(names = "--debug", description = "Print the stack trace of a failure.")
    boolean debug;
}
