package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The walker's small hash table (a map, and a set through add): they start small, grow while holding what they hold, and clear in O(1). */
class LongTablesTest {
    @Test
    void aSetGrowsPastItsFirstSizeAndClearsEveryGeneration() {
        LongIntMap set = new LongIntMap(5_000);
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 3; round++) {
            long[] keys = random.longs(5_000).map(k -> k | 1).toArray();
            for (long k : keys) {
                assertTrue(set.add(k));
            }
            for (long k : keys) {
                assertFalse(set.add(k), "still there after the growth");
            }
            set.clear();
            for (long k : keys) {
                assertTrue(set.add(k), "gone after a clear");
            }
            set.clear();
        }
    }

    @Test
    void aMapGrowsPastItsFirstSizeKeepingEveryValue() {
        LongIntMap map = new LongIntMap(4_096);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4_096; i++) {
                map.put(0x7f00_0000_0000L + 64L * i, i + round);
            }
            for (int i = 0; i < 4_096; i++) {
                assertEquals(i + round, map.get(0x7f00_0000_0000L + 64L * i));
            }
            map.put(0x7f00_0000_0000L, 99);
            assertEquals(99, map.get(0x7f00_0000_0000L), "a value replaced");
            assertEquals(-1, map.get(0x10));
            map.clear();
            assertEquals(-1, map.get(0x7f00_0000_0000L + 64), "gone after a clear");
        }
    }
}
