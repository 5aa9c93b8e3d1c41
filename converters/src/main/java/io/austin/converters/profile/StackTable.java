package io.austin.converters.profile;

import java.util.Arrays;

/**
 * The distinct stacks of a profile, as sequences of {@link FrameTable} ids root first, numbered 0, 1, 2... in
 * first-seen order. All stacks live in one int pool with an open-addressing index, so a stack costs its length plus
 * a few ints and no objects. Not thread-safe.
 */
public final class StackTable {
    private int[] pool = new int[1 << 12];
    private int poolSize;
    private int[] offsets = new int[1 << 10];
    private int[] lengths = new int[1 << 10];
    private int[] hashes = new int[1 << 10];
    private int size;
    /** Slots hold id + 1; 0 is empty. */
    private int[] slots = new int[1 << 11];

    StackTable() {
    }

    /** The id of the stack {@code items[0..length)}, interned on first sight. */
    int intern(int[] items, int length) {
        int h = hash(items, length);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int slot = slots[i];
            if (slot == 0) {
                break;
            }
            int id = slot - 1;
            if (hashes[id] == h && lengths[id] == length
                    && Arrays.equals(pool, offsets[id], offsets[id] + length, items, 0, length)) {
                return id;
            }
            i = (i + 1) & mask;
        }
        int id = add(items, length, h);
        slots[i] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    /** How many distinct stacks there are. */
    public int size() {
        return size;
    }

    /** The number of frames of stack {@code id}. */
    public int length(int id) {
        check(id);
        return lengths[id];
    }

    /** Frame {@code index} (0 is the root) of stack {@code id}, a {@link FrameTable} id. */
    public int item(int id, int index) {
        check(id);
        if (index < 0 || index >= lengths[id]) {
            throw new IndexOutOfBoundsException("item " + index + " of a stack of " + lengths[id]);
        }
        return pool[offsets[id] + index];
    }

    private void check(int id) {
        if (id < 0 || id >= size) {
            throw new IndexOutOfBoundsException("stack " + id + " of " + size);
        }
    }

    private int add(int[] items, int length, int h) {
        if (poolSize + length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + length));
        }
        System.arraycopy(items, 0, pool, poolSize, length);
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        offsets[size] = poolSize;
        lengths[size] = length;
        hashes[size] = h;
        poolSize += length;
        return size++;
    }

    private void rehash() {
        int[] next = new int[slots.length * 2];
        int mask = next.length - 1;
        for (int id = 0; id < size; id++) {
            int i = hashes[id] & mask;
            while (next[i] != 0) {
                i = (i + 1) & mask;
            }
            next[i] = id + 1;
        }
        slots = next;
    }

    private static int hash(int[] items, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = h * 31 + items[i];
        }
        // Spread the bits: the low bits pick the slot.
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
