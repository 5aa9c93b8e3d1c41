package io.austin.formats.collapsed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The writer prints a thread's frames shared with its last sample from what it printed then: checked against a
 * line built naively, on stacks that grow, shrink, change in the middle, repeat as the same list or as an equal new
 * one, across more threads than the writer keeps recent, with keys reused by another process for other frames.
 */
class CollapsedWriterTest {
    @Test
    void everyLineIsWhatTheSampleSaysWhateverTheLastSampleOfItsThread() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        List<FrameRef> pool = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            pool.add(new FrameRef(k, Frame.of("/app/m" + k % 7 + ".py", "f" + k, 10 + k)));
        }
        for (int k = 0; k < 5; k++) {
            pool.add(FrameRef.of(Frame.of("/app/keyless.py", "g" + k, k + 1)));
            pool.add(FrameRef.kernel("sys_" + k));
        }
        // Process 2 uses the same keys for other frames.
        List<FrameRef> other = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            other.add(new FrameRef(k, Frame.of("/other/x.py", "h" + k, 1000 + k)));
        }
        int threads = 13;
        ThreadKey[] keys = new ThreadKey[threads];
        List<List<FrameRef>> last = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            keys[t] = new ThreadKey(t % 3 == 2 ? 2 : 1, 0, Integer.toHexString(0x100 + t));
            last.add(List.of());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder("# mode: wall\n");
        try (CollapsedWriter w = new CollapsedWriter(bytes, CollapsedWriter.Layout.PLAIN)) {
            w.write(new Metadata("mode", "wall"));
            for (int i = 0; i < 20_000; i++) {
                int t = random.nextInt(10) < 7 ? random.nextInt(3) : random.nextInt(threads);
                List<FrameRef> frames = next(random, last.get(t), keys[t].pid() == 2 ? other : pool);
                last.set(t, frames);
                int flags = Sample.TIME | (random.nextInt(20) == 0 ? Sample.INVALID : 0)
                        | (random.nextInt(20) == 0 ? Sample.GC : 0);
                Sample s = new Sample(keys[t], frames, flags, i, 0);
                w.write(s);
                expected.append('P').append(keys[t].pid()).append(";T").append(keys[t].textName());
                if (s.invalid()) {
                    expected.append(";:INVALID:");
                }
                for (FrameRef f : frames) {
                    expected.append(';').append(f.frame().file()).append(':').append(f.frame().scope()).append(':')
                            .append(f.frame().line());
                }
                if (s.gc()) {
                    expected.append(";:GC:");
                }
                expected.append(' ').append(i).append('\n');
            }
        }
        String actual = bytes.toString(StandardCharsets.UTF_8);
        String[] want = expected.toString().split("\n");
        String[] got = actual.split("\n");
        for (int i = 0; i < Math.min(want.length, got.length); i++) {
            assertEquals(want[i], got[i], "line " + (i + 1));
        }
        assertEquals(expected.toString(), actual);
    }

    /** A thread quiet while others fill the buffer several times over: its stack is printed again, not copied. */
    @Test
    void aStackWrittenBeforeTheBufferWasDrainedIsRenderedAgain() throws Exception {
        ThreadKey quiet = new ThreadKey(1, 0, "a");
        ThreadKey busy = new ThreadKey(1, 0, "b");
        List<FrameRef> deep = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            deep.add(new FrameRef(k, Frame.of("/app/deep.py", "d" + k, k)));
        }
        List<FrameRef> other = List.of(new FrameRef(100, Frame.of("/app/other.py", "o", 1)),
                new FrameRef(101, Frame.of("/app/other.py", "p", 2)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CollapsedWriter w = new CollapsedWriter(bytes, CollapsedWriter.Layout.PLAIN)) {
            w.write(Sample.timed(quiet, deep, 0, 1));
            for (int i = 0; i < 5000; i++) {
                w.write(Sample.timed(busy, other, 0, 2));
            }
            w.write(Sample.timed(quiet, deep, 0, 3));
            w.write(Sample.timed(quiet, deep.subList(0, 20), 0, 4));
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        StringBuilder text = new StringBuilder("P1;T0:10");
        for (FrameRef f : deep) {
            text.append(';').append(f.frame().file()).append(':').append(f.frame().scope()).append(':')
                    .append(f.frame().line());
        }
        assertEquals(text + " 1", lines[0]);
        assertEquals(text + " 3", lines[5001]);
        assertEquals(text.substring(0, text.indexOf(";/app/deep.py:d20:")) + " 4", lines[5002]);
    }

    /** The thread's next stack: the same list, an equal copy, a changed leaf, a pop, a push, or a change inside. */
    private static List<FrameRef> next(SplittableRandom random, List<FrameRef> last, List<FrameRef> pool) {
        List<FrameRef> next = new ArrayList<>(last);
        switch (random.nextInt(7)) {
            case 0:
                return last;
            case 1:
                return List.copyOf(last);
            case 2:
                if (!next.isEmpty()) {
                    next.set(next.size() - 1, pool.get(random.nextInt(pool.size())));
                }
                break;
            case 3:
                for (int n = random.nextInt(4); n > 0 && !next.isEmpty(); n--) {
                    next.remove(next.size() - 1);
                }
                break;
            case 4:
                if (!next.isEmpty()) {
                    next.set(random.nextInt(next.size()), pool.get(random.nextInt(pool.size())));
                }
                break;
            case 5:
                next.clear();
                break;
            default:
                for (int n = 1 + random.nextInt(6); n > 0; n--) {
                    next.add(pool.get(random.nextInt(pool.size())));
                }
        }
        return next;
    }
}
