package io.austin.formats.internal;

import java.util.Arrays;

/**
 * An open-addressing map from {@code long} keys to objects. The codecs look up a frame or string key per
 * reference; a {@code HashMap<Long, V>} would box every lookup. Not thread-safe. Not API.
 *
 * @param <V> the value type
 */
public final class LongMap<V> {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;
    private boolean hasEmptyKey;
    private V emptyKeyValue;

    /** An empty map. */
    public LongMap() {
        keys = new long[16];
        Arrays.fill(keys, EMPTY);
        values = new Object[16];
        mask = 15;
    }

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** The value for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (key == EMPTY) {
            return hasEmptyKey ? emptyKeyValue : null;
        }
        long[] ks = keys;
        int m = mask;
        for (int i = slot(key, m); ; i = (i + 1) & m) {
            long k = ks[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    /** Whether the key is present. */
    public boolean containsKey(long key) {
        if (key == EMPTY) {
            return hasEmptyKey;
        }
        long[] ks = keys;
        int m = mask;
        for (int i = slot(key, m); ; i = (i + 1) & m) {
            long k = ks[i];
            if (k == key) {
                return true;
            }
            if (k == EMPTY) {
                return false;
            }
        }
    }

    /** Associates {@code value} with {@code key}, replacing any previous value. */
    public void put(long key, V value) {
        if (key == EMPTY) {
            if (!hasEmptyKey) {
                size++;
            }
            hasEmptyKey = true;
            emptyKeyValue = value;
            return;
        }
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
        }
    }

    /** The number of keys. */
    public int size() {
        return size;
    }

    /** Removes every entry. */
    public void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
        hasEmptyKey = false;
        emptyKeyValue = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int capacity = oldKeys.length * 2;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new Object[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != EMPTY) {
                int i = slot(k, mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }
}
