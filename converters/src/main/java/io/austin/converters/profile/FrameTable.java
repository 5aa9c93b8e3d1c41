package io.austin.converters.profile;

import io.austin.formats.Frame;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The distinct frames of a profile, numbered 0, 1, 2... in first-seen order. A frame is (file, scope, line), the
 * identity every reference converter uses (columns are dropped). Austin's markers are pseudo-frames with an empty
 * file, so that a sample that has them is kept: {@link #INVALID_SCOPE} at the root, {@link #GC_SCOPE} at the leaf.
 * Not thread-safe.
 */
public final class FrameTable {
    /** The scope of the pseudo-frame that stands for Austin's {@code :INVALID:} marker. */
    public static final String INVALID_SCOPE = ":INVALID:";
    /** The scope of the pseudo-frame that stands for Austin's {@code :GC:} marker. */
    public static final String GC_SCOPE = ":GC:";
    // Readers hand out the same Frame object for every reference to a frame: a cheap first-level cache, bounded
    // because text readers re-create frames after clearing their own caches.
    private static final int MAX_IDENTITY = 1 << 20;

    private record Key(String file, String scope, long line) {
    }

    private final Map<Frame, Integer> byIdentity = new IdentityHashMap<>();
    private final Map<Key, Integer> byValue = new HashMap<>();
    private String[] files = new String[256];
    private String[] scopes = new String[256];
    private long[] lines = new long[256];
    private int size;
    private int invalid = -1;
    private int gc = -1;

    FrameTable() {
    }

    /** The id of {@code frame}, interned on first sight. */
    int intern(Frame frame) {
        Integer id = byIdentity.get(frame);
        if (id != null) {
            return id;
        }
        int v = intern(frame.file(), frame.scope(), frame.line());
        if (byIdentity.size() >= MAX_IDENTITY) {
            byIdentity.clear();
        }
        byIdentity.put(frame, v);
        return v;
    }

    private int intern(String file, String scope, long line) {
        Key key = new Key(file, scope, line);
        Integer id = byValue.get(key);
        if (id != null) {
            return id;
        }
        if (size == files.length) {
            files = Arrays.copyOf(files, size * 2);
            scopes = Arrays.copyOf(scopes, size * 2);
            lines = Arrays.copyOf(lines, size * 2);
        }
        files[size] = file;
        scopes[size] = scope;
        lines[size] = line;
        byValue.put(key, size);
        return size++;
    }

    /** The pseudo-frame of an {@code :INVALID:} marker. */
    int invalid() {
        if (invalid < 0) {
            invalid = intern("", INVALID_SCOPE, 0);
        }
        return invalid;
    }

    /** The pseudo-frame of a {@code :GC:} marker. */
    int gc() {
        if (gc < 0) {
            gc = intern("", GC_SCOPE, 0);
        }
        return gc;
    }

    /** How many frames there are; ids run from 0 to {@code size() - 1}. */
    public int size() {
        return size;
    }

    /** The file of frame {@code id} (empty for a marker). */
    public String file(int id) {
        check(id);
        return files[id];
    }

    /** The scope (function) of frame {@code id}. */
    public String scope(int id) {
        check(id);
        return scopes[id];
    }

    /** The line of frame {@code id} (0 if unknown). */
    public long line(int id) {
        check(id);
        return lines[id];
    }

    /** Whether frame {@code id} is one of Austin's markers rather than code. */
    public boolean isMarker(int id) {
        return id == invalid || id == gc;
    }

    private void check(int id) {
        if (id < 0 || id >= size) {
            throw new IndexOutOfBoundsException("frame " + id + " of " + size);
        }
    }
}
