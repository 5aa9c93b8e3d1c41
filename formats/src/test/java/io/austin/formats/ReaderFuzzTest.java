package io.austin.formats;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.austin.formats.collapsed.CollapsedReader;
import io.austin.formats.mojo.MojoReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The MOJO and text readers, and sample assembly over them, under a coverage-guided fuzzer: whatever the bytes, a
 * reader returns events and then the end, or throws {@link FormatException} (or another {@link IOException}) saying
 * why; never another exception, never a loop (it reads at most a bounded number of events per input byte), never an
 * allocation out of proportion to the input (Jazzer's memory limit fails the run).
 *
 * <p>Every build runs the seeds in {@code src/test/resources/io/austin/formats/ReaderFuzzTestInputs/} and any finding
 * saved there. {@code JAZZER_FUZZ=1 mvn -pl formats test -Dtest=ReaderFuzzTest
 * "-Daustin.test.jvm=--enable-native-access=ALL-UNNAMED -Xmx512m"} fuzzes for {@code maxDuration} (CI does: about
 * 370,000 inputs a minute here); its corpus in {@code formats/.cifuzz-corpus} carries over, so repeated runs go
 * further. A failure found becomes a seed file there and a regression test.
 */
class ReaderFuzzTest {
    /** Events per input byte a reader may produce: each event consumes at least one byte, a few synthesise more. */
    private static final int EVENTS_PER_BYTE = 4;

    /**
     * The events {@code data} may give. MOJO v4 is the exception to a linear bound: one {@code STACK_REPEAT} byte
     * stands for its thread's whole previous stack, as Austin 4 means it, so n bytes can give about (n/2)^2 frame
     * references (a found input, {@code mojo-v4-repeat-amplification}: 915 bytes, over 3,676 events). Still a bound,
     * so a reader that loops is caught.
     */
    private static long limit(byte[] data) {
        long linear = (long) EVENTS_PER_BYTE * data.length + 16;
        boolean v4 = data.length > 3 && data[0] == 'M' && data[1] == 'O' && data[2] == 'J' && data[3] == 4;
        return v4 ? linear + (long) data.length * data.length / 4 : linear;
    }

    @FuzzTest(maxDuration = "60s")
    void readersReadOrSayWhy(byte[] data) {
        readAll(data, true);
        readAll(data, false);
        assemble(data);
    }

    private static void readAll(byte[] data, boolean mojo) {
        StackEventReader reader = mojo ? new MojoReader(new ByteArrayInputStream(data))
                : new CollapsedReader(new ByteArrayInputStream(data));
        long limit = limit(data);
        try {
            for (long n = 0; reader.next() != null; n++) {
                if (n > limit) {
                    throw new AssertionError("more than " + limit + " events from " + data.length + " bytes");
                }
            }
        } catch (IOException expected) {
            // FormatException, or truncated input: the reader said why
        }
    }

    private static void assemble(byte[] data) {
        try {
            ProfileEventReader samples = StackEvents.samples(StackEvents.open(new ByteArrayInputStream(data)));
            long limit = limit(data);
            for (long n = 0; samples.next() != null; n++) {
                if (n > limit) {
                    throw new AssertionError("more than " + limit + " samples from " + data.length + " bytes");
                }
            }
        } catch (IOException expected) {
            // as above
        }
    }
}
