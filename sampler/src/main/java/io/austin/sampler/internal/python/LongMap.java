package io.austin.sampler.internal.python;

import java.util.Arrays;

/**
 * A bounded open-addressing map from non-zero {@code long} keys (remote addresses) to values, without boxing. When it
 * reaches its bound it is emptied: a crude but allocation-free way to age out entries for freed objects.
 */
final class LongMap<V> {
    private final int bound;
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    LongMap(int capacity, int bound) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        this.keys = new long[cap];
        this.values = new Object[cap];
        this.mask = cap - 1;
        this.bound = bound;
    }

    static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("zero key");
        }
        if (size >= bound) {
            clear();
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = hash(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
    }

    private void grow() {
        long[] ok = keys;
        Object[] ov = values;
        keys = new long[ok.length * 2];
        values = new Object[ok.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != 0) {
                int i = hash(ok[j]) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = ok[j];
                values[i] = ov[j];
            }
        }
    }
}
