package io.austin.converters.internal;

import io.austin.formats.Compat;
import io.austin.formats.Mode;
import io.austin.formats.Sample;

/**
 * The values austin2speedscope and austin2pprof of austin-python give a sample: computed from the metrics the text
 * line has, whatever the mode says. Three metrics give {@code cpu, wall, alloc, dealloc} (cpu is 0 when idle), one
 * gives itself, signed; 2.2.0 splits a memory-mode delta into {@code alloc, dealloc}. Not API.
 */
public final class ReferenceValues {
    private ReferenceValues() {
    }

    /**
     * Writes the values into {@code out} (at least 4 long).
     *
     * @return how many values were written
     */
    public static int values(Mode mode, Compat compat, Sample s, long[] out) {
        long single = s.hasTime() ? s.time() : s.memory();
        if (s.hasTime() && s.hasMemory()) {
            out[0] = s.idle() ? 0 : s.time();
            out[1] = s.time();
            out[2] = Math.max(s.memory(), 0);
            out[3] = s.memory() < 0 ? -s.memory() : 0;
            return 4;
        }
        if (compat == Compat.AUSTIN_PYTHON_2_2 && mode == Mode.MEMORY) {
            out[0] = Math.max(single, 0);
            out[1] = single < 0 ? -single : 0;
            return 2;
        }
        out[0] = single;
        return 1;
    }

    /** Whether the reference text readers lose this sample: a marker has no line number they can parse. */
    public static boolean dropped(Compat compat, Sample s) {
        return compat != Compat.NONE && (s.invalid() || s.gc());
    }
}
