package io.austin.formats.internal;

/**
 * The few keys seen last, found by identity with a short scan: readers hand out one key instance per thread, so the
 * threads of a profile are found without hashing (a record's hash goes through method handles, slow until
 * compiled well). A miss is the caller's to resolve by value and {@link #put}; the oldest entry then makes room.
 * Not thread-safe. Not API.
 *
 * @param <V> what is kept per key
 */
public final class RecentKeys<V> {
    private static final int SIZE = 8;
    private final Object[] keys = new Object[SIZE];
    private final Object[] values = new Object[SIZE];
    private int next;

    /** The value kept for this very key instance, or null. */
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        Object[] ks = keys;
        for (int i = 0; i < SIZE; i++) {
            if (ks[i] == key) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Keeps {@code value} for {@code key} (which {@link #get} just missed), in place of the oldest entry. */
    public void put(Object key, V value) {
        keys[next] = key;
        values[next] = value;
        next = (next + 1) % SIZE;
    }
}
