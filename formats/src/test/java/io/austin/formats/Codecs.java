package io.austin.formats;

import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: whole-buffer decode and encode. */
final class Codecs {
    private Codecs() {
    }

    static List<StackEvent> readAll(StackEventReader reader) throws IOException {
        List<StackEvent> events = new ArrayList<>();
        try (reader) {
            for (StackEvent e = reader.next(); e != null; e = reader.next()) {
                events.add(e);
            }
        }
        return events;
    }

    static List<StackEvent> readMojo(byte[] bytes) throws IOException {
        return readAll(new MojoReader(new ByteArrayInputStream(bytes)));
    }

    static List<StackEvent> readText(byte[] bytes, Compat compat) throws IOException {
        return readAll(new CollapsedReader(new ByteArrayInputStream(bytes), new CollapsedReader.Options(compat)));
    }

    static byte[] writeMojo(List<StackEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MojoWriter w = new MojoWriter(out)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    static byte[] writeText(List<StackEvent> events, CollapsedWriter.Options options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CollapsedWriter w = new CollapsedWriter(out, options)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }
}
