package io.austin.converters;

import io.austin.converters.pprof.PprofOptions;
import io.austin.converters.speedscope.SpeedscopeOptions;
import io.austin.formats.Compat;
import io.austin.formats.ProfileEvent;
import io.austin.formats.StackEvents;
import io.austin.formats.collapsed.CollapsedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/** Test helpers: run a conversion step over bytes, through the public stream API. */
final class Run {
    private Run() {
    }

    static Flux<ProfileEvent> profileEvents(byte[] input, Compat compat) {
        return Conversions.readProfile(() -> new ByteArrayInputStream(input), compat);
    }

    /**
     * The step's output as chunks; the same conversion written straight to a stream
     * ({@link Conversions#writeTo(Function, java.io.OutputStream)}) must give the same bytes, so every test that
     * converts checks both paths.
     */
    static <E> byte[] collect(Flux<E> events, Function<Flux<E>, Flux<byte[]>> step) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Long n = events.transform(step).as(Conversions.writeTo(out)).block();
        byte[] bytes = out.toByteArray();
        if (n == null || n != bytes.length) {
            throw new AssertionError("writeTo counted " + n + " bytes, wrote " + bytes.length);
        }
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        Long m = events.as(Conversions.writeTo(step, direct)).block();
        byte[] written = direct.toByteArray();
        if (m == null || m != written.length) {
            throw new AssertionError("writeTo(step, out) counted " + m + " bytes, wrote " + written.length);
        }
        assertBytes(bytes, written);
        return bytes;
    }

    static byte[] collapsed(byte[] input, boolean compat) {
        return collapsed(input, compat ? Compat.AUSTIN_PYTHON_1_7 : Compat.NONE);
    }

    static byte[] collapsed(byte[] input, Compat compat) {
        if (compat == Compat.NONE) {
            return collect(StackEvents.profile(() -> new ByteArrayInputStream(input)),
                    Conversions.toCollapsed(CollapsedWriter.Layout.PLAIN));
        }
        return collect(StackEvents.read(() -> new ByteArrayInputStream(input)), Conversions.toReferenceText(compat));
    }

    static byte[] speedscope(byte[] input, SpeedscopeOptions options) {
        return collect(profileEvents(input, options.compat()), Conversions.toSpeedscope(options));
    }

    static byte[] pprof(byte[] input, PprofOptions options) {
        return collect(profileEvents(input, options.compat()), Conversions.toPprof(options));
    }

    static void assertBytes(byte[] expected, byte[] actual) {
        if (!Arrays.equals(expected, actual)) {
            int i = Arrays.mismatch(expected, actual);
            int from = Math.max(0, i - 100);
            String exp = new String(expected, from, Math.min(expected.length, i + 100) - from,
                    StandardCharsets.ISO_8859_1);
            String act = new String(actual, from, Math.max(0, Math.min(actual.length, i + 100) - from),
                    StandardCharsets.ISO_8859_1);
            throw new AssertionError("first difference at byte " + i + " (expected length " + expected.length
                    + ", actual " + actual.length + ")\nexpected: ..." + exp + "\nactual:   ..." + act);
        }
    }
}
