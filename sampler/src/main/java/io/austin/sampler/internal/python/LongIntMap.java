package io.austin.sampler.internal.python;

/**
 * A map from {@code long} keys to non-negative {@code int}s with O(1) clearing (generation stamps), and with
 * {@link #add} the set of keys the walker uses for loop detection in remote linked lists. It starts small and doubles
 * when half full: most walks see a few dozen entries, and tables sized for the largest walk (thousands) made every
 * walker cost half a megabyte from its creation. Callers bound the number of entries between two clearings.
 */
final class LongIntMap {
    private static final int INITIAL = 64;

    private long[] keys;
    private int[] values;
    private int[] stamps;
    private int mask;
    private int size;
    private int generation = 1;

    /** A map that will hold up to {@code capacity} entries between two clearings (it grows to that on demand). */
    LongIntMap(int capacity) {
        int cap = Math.min(INITIAL, Integer.highestOneBit(Math.max(16, capacity * 2) - 1) << 1);
        keys = new long[cap];
        values = new int[cap];
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

    /** Adds {@code key} as a member of the set (value 0) if absent; false if it was already present. */
    boolean add(long key) {
        if (get(key) >= 0) {
            return false;
        }
        put(key, 0);
        return true;
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
        if (++size * 2 > mask) {
            grow();
        }
    }

    /** Twice the room, the current generation's entries carried over. */
    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        int[] oldStamps = stamps;
        int cap = oldKeys.length * 2;
        keys = new long[cap];
        values = new int[cap];
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
                values[i] = oldValues[j];
            }
        }
    }
}
