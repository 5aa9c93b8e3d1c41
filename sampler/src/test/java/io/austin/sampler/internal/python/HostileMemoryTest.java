package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.austin.sampler.internal.RemoteMemory;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walker against hostile memory, for every version layout: a well-formed synthetic interpreter (two threads,
 * stacks of several code objects) read through a layer that fails reads, returns garbage for unmapped ranges, and
 * replaces words with zeros, all-ones, random values, small and huge integers, and pointers back into the
 * interpreter's own objects (cycles: a frame pointing at itself or an earlier frame, a thread list looping). No
 * exception may escape a pass, no pass may run unbounded (each ends within a second even on a loaded machine), the
 * allocation per pass stays under a fixed cap, the code cache stays within its bound, and the bad samples are
 * counted as invalid.
 *
 * <p>{@code -Daustin.hostile.passes=N} sets the passes per layout: 100,000 by default (7 layouts: 7 x 10^5 passes,
 * about 1.1 x 10^6 samples, in seconds); a longer run is {@code mvn -pl sampler test -Dtest=HostileMemoryTest
 * -Daustin.hostile.passes=2000000}.
 */
class HostileMemoryTest {
    private static final int PASSES = Integer.getInteger("austin.hostile.passes", 100_000);
    /** Average bytes a pass may allocate: frames and strings of new (hostile) code objects, never unbounded. */
    private static final double ALLOCATION_CAP = 64 * 1024;
    private static final long PASS_TIME_CAP_NANOS = 1_000_000_000L;

    static java.util.stream.Stream<String> versions() {
        return SyntheticWalkTest.versions();
    }

    /** Reads through to the synthetic memory and spoils what comes back. */
    static final class Hostile implements RemoteMemory {
        private final FakeMemory base;
        private final long[] pool;
        private final SplittableRandom random;
        /** Per-read probability that the read is spoiled at all; the rest are faithful. */
        double spoil = 0.05;
        private long calls;

        Hostile(FakeMemory base, long[] pool, long seed) {
            this.base = base;
            this.pool = pool;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public boolean read(long address, ByteBuffer dst, int dstOffset, int length) {
            calls++;
            boolean ok = base.read(address, dst, dstOffset, length);
            if (random.nextDouble() >= spoil) {
                return ok;
            }
            switch (random.nextInt(4)) {
                case 0:
                    return false; // a failed (or short) read
                case 1:
                    for (int i = 0; i < length; i++) { // garbage, even where nothing is mapped
                        dst.put(dstOffset + i, (byte) random.nextInt());
                    }
                    return true;
                default:
                    if (!ok) {
                        return false;
                    }
                    for (int at = 0; at + 8 <= length; at += 8) {
                        if (random.nextInt(8) == 0) {
                            dst.putLong(dstOffset + at, hostileWord(address + at));
                        }
                    }
                    if (length < 8 && length > 0) {
                        dst.put(dstOffset, (byte) random.nextInt());
                    }
                    return true;
            }
        }

        private long hostileWord(long self) {
            switch (random.nextInt(9)) {
                case 0:
                    return 0;
                case 1:
                    return -1;
                case 2:
                    return random.nextLong();
                case 3:
                    return random.nextInt(64); // a small count, index or length
                case 4:
                    return Integer.MAX_VALUE + (long) random.nextInt(1 << 20); // a huge length
                case 5:
                    return self - 8 * random.nextInt(4); // pointing at itself: a cycle
                case 6:
                    return pool[random.nextInt(pool.length)]; // another object of the interpreter
                case 7:
                    return pool[random.nextInt(pool.length)] + 8 * random.nextInt(16);
                default:
                    return Long.MIN_VALUE + random.nextInt(1024);
            }
        }

        @Override
        public int readBatch(long[] addresses, int[] lengths, int[] dstOffsets, int count, ByteBuffer dst) {
            for (int i = 0; i < count; i++) {
                if (!read(addresses[i], dst, dstOffsets[i], lengths[i])) {
                    return i;
                }
            }
            return count;
        }

        @Override
        public long calls() {
            return calls;
        }

        @Override
        public void close() {
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void noExceptionNoUnboundedLoopNoUnboundedMemory(String v) {
        SyntheticPython py = SyntheticWalkTest.python(v);
        long interp = py.interpreter(0);
        long main = py.thread(interp, SyntheticPython.PID);
        long worker = py.thread(interp, 777);
        List<Long> objects = new ArrayList<>(List.of(py.runtime, interp, main, worker));
        long file = py.str("hostile.py");
        List<SyntheticPython.F> deep = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            long code = py.code(file, py.str("f" + i), 10 * i + 1, py.table(10 * i + 1, 4, 10 * i + 2, 10 * i + 2,
                    0, 6), 0);
            objects.add(code);
            deep.add(SyntheticPython.F.of(code, 4));
        }
        py.stack(main, deep, 64);
        py.stack(worker, deep.subList(0, 5), 64);
        long[] pool = objects.stream().mapToLong(Long::longValue).toArray();

        Hostile memory = new Hostile(py.mem, pool, v.hashCode());
        InterpreterWalker w = InterpreterWalker.create(memory, py.major, py.minor, py.runtime, py.codeType,
                SyntheticPython.PID);
        long samples = 0;
        long invalid = 0;
        long incomplete = 0;
        long slowest = 0;
        long before = allocated();
        for (int pass = 0; pass < PASSES; pass++) {
            // Stretches of calm and of storm: the cache fills with good entries, then meets bad ones.
            memory.spoil = (pass / 1000) % 3 == 0 ? 0.0 : (pass / 1000) % 3 == 1 ? 0.05 : 0.5;
            long start = System.nanoTime();
            WalkResult r;
            try {
                r = w.walk();
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError(v + ": pass " + pass + " threw", e);
            }
            long took = System.nanoTime() - start;
            slowest = Math.max(slowest, took);
            if (took > PASS_TIME_CAP_NANOS) {
                fail(v + ": pass " + pass + " took " + took / 1_000_000 + " ms");
            }
            if (!r.complete()) {
                incomplete++;
            }
            for (int i = 0; i < r.threadCount(); i++) {
                ThreadStack t = r.thread(i);
                samples++;
                if (t.invalid()) {
                    invalid++;
                }
                assertTrue(t.depth() <= ChainFrames.MAX_DEPTH, "depth " + t.depth());
            }
            assertTrue(r.threadCount() <= InterpreterWalker.MAX_THREADS);
        }
        double perPass = (allocated() - before) / (double) PASSES;
        String report = String.format("%s: %d passes, %d samples, %d invalid (%.1f %%), %d incomplete passes, "
                + "slowest pass %.2f ms, %.0f B allocated per pass, %s", v, PASSES, samples, invalid,
                100.0 * invalid / Math.max(1, samples), incomplete, slowest / 1e6, perPass, w);
        System.out.println("[hostile] " + report);
        assertTrue(invalid + incomplete > 0, "the hostility was noticed: " + report);
        assertTrue(perPass < ALLOCATION_CAP, "allocation per pass: " + report);
        // The calm stretches still give whole, valid stacks: the walker recovers from the storms.
        memory.spoil = 0;
        WalkResult calm = w.walk();
        assertTrue(calm.complete() && calm.threadCount() == 2, v + " after the storm: " + calm);
    }
}
