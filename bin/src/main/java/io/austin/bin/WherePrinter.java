package io.austin.bin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.austin.formats.FrameRef;
import io.austin.formats.Sample;
import io.austin.sampler.Sampler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where mode's output: every thread's stack as Austin 3.7 prints it (two empty lines, a heading with the idle or
 * running mark, the child mark, the process and the thread, an empty line, then one line per frame, root first, in
 * ANSI colours), or, with {@code --json}, the same as one JSON document for scripts.
 */
final class WherePrinter {
    private static final String IDLE = "\uD83D\uDCA4";
    private static final String RUNNING = "\uD83D\uDE80";
    private static final String CHILD = "\uD83E\uDDD2";
    private static final String THREAD = "\uD83E\uDDF5";

    private WherePrinter() {
    }

    static void text(Sampler.Snapshot snapshot, OutputStream out) {
        text(snapshot, out, false);
    }

    /**
     * As Austin 3.7 prints it, or as Austin 4 does ({@code austin4}): the same layout, with the colour codes written
     * bold first ({@code ESC[1;35m} for {@code ESC[35;1m}) and no mark for a child process.
     */
    static void text(Sampler.Snapshot snapshot, OutputStream out, boolean austin4) {
        PrintStream p = new PrintStream(out, false, StandardCharsets.UTF_8);
        String magenta = austin4 ? "\033[1;35m" : "\033[35;1m";
        String blue = austin4 ? "\033[1;34m" : "\033[34;1m";
        String yellow = austin4 ? "\033[1;33m" : "\033[33;1m";
        String cyan = austin4 ? "\033[1;36m" : "\033[36;1m";
        String green = austin4 ? "\033[1;32m" : "\033[32;1m";
        for (Sample s : snapshot.samples()) {
            boolean child = !austin4 && isChild(snapshot, s.thread().pid());
            p.print("\n\n" + (s.idle() ? IDLE : RUNNING) + (child ? CHILD : "") + " Process " + magenta
                    + s.thread().pid() + "\033[0m " + THREAD + " Thread " + blue + s.thread().iid() + ":"
                    + s.thread().textTid() + "\033[0m\n\n");
            for (FrameRef ref : s.frames()) {
                p.print("    " + yellow + ref.frame().scope() + "\033[0m (" + cyan + ref.frame().file()
                        + "\033[0m:" + green + ref.frame().line() + "\033[0m)\n");
            }
        }
        p.flush();
    }

    static void json(Sampler.Snapshot snapshot, OutputStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("processes");
            for (Sampler.ProcessInfo proc : snapshot.processes()) {
                g.writeStartObject();
                g.writeNumberField("pid", proc.pid());
                g.writeStringField("python", proc.runtime().version());
                g.writeBooleanField("child", proc.child());
                g.writeArrayFieldStart("threads");
                for (Sample s : snapshot.samples()) {
                    if (s.thread().pid() != proc.pid()) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeNumberField("iid", s.thread().iid());
                    g.writeNumberField("tid", s.thread().nativeId());
                    g.writeBooleanField("idle", s.idle());
                    g.writeBooleanField("complete", !s.invalid());
                    g.writeArrayFieldStart("frames");
                    for (FrameRef ref : s.frames()) {
                        g.writeStartObject();
                        g.writeStringField("function", ref.frame().scope());
                        g.writeStringField("file", ref.frame().file());
                        g.writeNumberField("line", ref.frame().line());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static boolean isChild(Sampler.Snapshot snapshot, long pid) {
        for (Sampler.ProcessInfo p : snapshot.processes()) {
            if (p.pid() == pid) {
                return p.child();
            }
        }
        return false;
    }
}
