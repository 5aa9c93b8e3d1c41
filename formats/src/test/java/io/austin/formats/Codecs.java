package io.austin.formats;

import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.collapsed.CollapsedWriter;
import io.austin.formats.collapsed.compat.CompatText;
import io.austin.formats.mojo.MojoEventWriter;
import io.austin.formats.mojo.MojoReader;
import io.austin.formats.mojo.MojoWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: whole-buffer decode and encode. */
public final class Codecs {
    private Codecs() {
    }

    public static List<StackEvent> readAll(StackEventReader reader) throws IOException {
        List<StackEvent> events = new ArrayList<>();
        try (reader) {
            for (StackEvent e = reader.next(); e != null; e = reader.next()) {
                events.add(e);
            }
        }
        return events;
    }

    public static List<StackEvent> readMojo(byte[] bytes) throws IOException {
        return readAll(new MojoReader(new ByteArrayInputStream(bytes)));
    }

    /** Text events, strictly ({@link Compat#NONE}) or as the reference text readers see them. */
    public static List<StackEvent> readText(byte[] bytes, Compat compat) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return readAll(compat == Compat.NONE ? new CollapsedReader(in) : CompatText.profileReader(in, compat));
    }

    /** The whole samples and metadata of codec events. */
    public static List<ProfileEvent> samples(List<StackEvent> events) throws IOException {
        List<ProfileEvent> out = new ArrayList<>();
        try (ProfileEventReader r = StackEvents.samples(replay(events))) {
            for (ProfileEvent e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    private static StackEventReader replay(List<StackEvent> events) {
        return new StackEventReader() {
            private int i;

            @Override
            public StackEvent next() {
                return i < events.size() ? events.get(i++) : null;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Codec events as MOJO v3, definitions as they come (or generated where missing). */
    public static byte[] writeMojo(List<StackEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MojoEventWriter w = new MojoEventWriter(out)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    /** Whole samples as MOJO v3 through {@link MojoWriter}. */
    public static byte[] writeMojoSamples(List<ProfileEvent> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MojoWriter w = new MojoWriter(out)) {
            for (ProfileEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    /** Codec events assembled into samples and printed as text in {@code layout}. */
    public static byte[] writeText(List<StackEvent> events, CollapsedWriter.Layout layout) throws IOException {
        return writeSamples(samples(events), layout);
    }

    /** Whole samples printed as text in {@code layout}. */
    public static byte[] writeSamples(List<ProfileEvent> events, CollapsedWriter.Layout layout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CollapsedWriter w = new CollapsedWriter(out, layout)) {
            for (ProfileEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    /** Codec events printed as {@code mojo2austin} of {@code compat} prints them. */
    public static byte[] writeText(List<StackEvent> events, Compat compat) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StackEventWriter w = CompatText.mojo2austin(out, compat)) {
            for (StackEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }
}
