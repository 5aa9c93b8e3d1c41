package io.austin.formats.collapsed.compat;

import io.austin.formats.Compat;
import io.austin.formats.StackEventReader;
import io.austin.formats.StackEventWriter;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.mojo.MojoReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Objects;

/**
 * The one place that picks a reference tool's text behaviour for a {@link Compat} setting. The classes it returns
 * reproduce austin-python's quirks byte for byte; the defaults ({@link CollapsedReader},
 * {@link io.austin.formats.collapsed.CollapsedWriter}) implement the format only.
 */
public final class CompatText {
    private CompatText() {
    }

    /**
     * A writer printing events as {@code mojo2austin} of {@code compat} does.
     *
     * @throws IllegalArgumentException for {@link Compat#NONE}, which is {@code CollapsedWriter}'s job
     */
    public static StackEventWriter mojo2austin(OutputStream out, Compat compat) {
        return new ReferenceTextWriter(out, compat);
    }

    /**
     * The events of a MOJO or text input as the profile converters of {@code compat} see them: text through the
     * 1.7.1 text reader (first line after the header dropped, lines it cannot parse skipped), MOJO first printed as
     * that release's mojo2austin prints it and that text read back the same way, as in the reference pipeline
     * {@code mojo2austin} + {@code austin2speedscope}. With {@link Compat#NONE} it is
     * {@link StackEvents#open(InputStream)}. Closing the reader closes {@code in}.
     *
     * @throws IOException if the first bytes cannot be read
     */
    public static StackEventReader profileReader(InputStream in, Compat compat) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(compat, "compat");
        if (compat == Compat.NONE) {
            return StackEvents.open(in);
        }
        PushbackInputStream peek = new PushbackInputStream(in, 3);
        if (StackEvents.detect(peek) == StackEvents.Format.MOJO) {
            return ReferencePipeline.reader(new MojoReader(peek), compat);
        }
        // austin-python 2.2.0 reads text without the 1.7.1 losses: the strict reader reads it the same way.
        return compat == Compat.AUSTIN_PYTHON_1_7 ? new ReferenceTextReader(peek) : new CollapsedReader(peek);
    }
}
