package io.austin.sampler.internal.python;

/**
 * A set of non-zero {@code long}s with O(1) clearing (generation stamps), for loop detection while walking remote
 * linked lists. It starts small and doubles when half full: most walks see a few dozen entries, and tables sized for
 * the largest walk (thousands) made every walker cost half a megabyte of memory from its creation. Callers bound the
 * number of insertions between two clearings.
 */
final class LongSet {
    private static final int INITIAL = 64;

    private long[] keys;
    private int[] stamps;
    private int mask;
    private int size;
    private int generation = 1;

    /** A set that will hold up to {@code capacity} entries between two clearings (it grows to that on demand). */
    LongSet(int capacity) {
        int cap = Math.min(INITIAL, Integer.highestOneBit(Math.max(16, capacity * 2) - 1) << 1);
        keys = new long[cap];
        stamps = new int[cap];
        mask = cap - 1;
    }

    void clear() {
        size = 0;
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
        if (++size * 2 > mask) {
            grow();
        }
        return true;
    }

    /** Twice the room, the current generation's entries carried over. */
    private void grow() {
        long[] oldKeys = keys;
        int[] oldStamps = stamps;
        int cap = oldKeys.length * 2;
        keys = new long[cap];
        stamps = new int[cap];
        mask = cap - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldStamps[j] == generation) {
                int i = LongMap.hash(oldKeys[j]) & mask;
                while (stamps[i] == generation) {
                    i = (i + 1) & mask;
                }
                stamps[i] = generation;
                keys[i] = oldKeys[j];
            }
        }
    }
}
