package io.austin.sampler.internal.python;

/**
 * A fixed-capacity set of non-zero {@code long}s with O(1) clearing (generation stamps), for loop detection while
 * walking remote linked lists. Callers bound the number of insertions below the capacity.
 */
final class LongSet {
    private final long[] keys;
    private final int[] stamps;
    private final int mask;
    private int generation = 1;

    LongSet(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity * 2) - 1) << 1;
        keys = new long[cap];
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

    /** Adds {@code key}; returns false if it was already present. */
    boolean add(long key) {
        int i = LongMap.hash(key) & mask;
        while (stamps[i] == generation) {
            if (keys[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        stamps[i] = generation;
        keys[i] = key;
        return true;
    }
}
