package io.austin.sampler.internal.python;

/**
 * A fixed-capacity map from {@code long} keys to non-negative {@code int}s with O(1) clearing (generation stamps).
 * Callers keep the number of entries below half the capacity.
 */
final class LongIntMap {
    private final long[] keys;
    private final int[] values;
    private final int[] stamps;
    private final int mask;
    private int generation = 1;

    LongIntMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity * 2) - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        stamps = new int[cap];
        mask = cap - 1;
    }

    void clear() {
        generation++;
        if (generation == 0) {
            java.util.Arrays.fill(stamps, 0);
            generation = 1;
        }
    }

    /** The value for {@code key}, or -1. */
    int get(long key) {
        int i = LongMap.hash(key) & mask;
        while (stamps[i] == generation) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    void put(long key, int value) {
        int i = LongMap.hash(key) & mask;
        while (stamps[i] == generation) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        stamps[i] = generation;
        keys[i] = key;
        values[i] = value;
    }
}
