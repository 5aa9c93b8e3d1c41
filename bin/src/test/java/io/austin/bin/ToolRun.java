package io.austin.bin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One of the tools run in this JVM through {@link Cli#run}, with nothing on standard input: its status and output. */
record ToolRun(int status, String out, String err) {

    static ToolRun of(String tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(tool, new Cli.Streams(new ByteArrayInputStream(new byte[0]), out, err), args);
        return new ToolRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
