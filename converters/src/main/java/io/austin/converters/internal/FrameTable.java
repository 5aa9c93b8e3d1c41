package io.austin.converters.internal;

import io.austin.formats.Frame;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Interns frames by (file, scope, line), the identity every reference converter uses (columns are dropped), and
 * numbers them 0, 1, 2... in first-seen order. Markers become pseudo-frames with an empty file, so that a sample
 * that has them is kept rather than dropped. Not API; not thread-safe.
 */
public final class FrameTable {
    /** The scope of the pseudo-frame that stands for Austin's {@code :INVALID:} marker. */
    public static final String INVALID_SCOPE = ":INVALID:";
    /** The scope of the pseudo-frame that stands for Austin's {@code :GC:} marker. */
    public static final String GC_SCOPE = ":GC:";
    /** The file Austin's text gives kernel frames. */
    public static final String KERNEL_FILE = "kernel";
    // Readers hand out the same Frame object for every reference to a frame: a cheap first-level cache. It is
    // bounded because text readers re-create frames after clearing their own caches.
    private static final int MAX_IDENTITY = 1 << 20;

    private record Key(String file, String scope, long line) {
    }

    private final Map<Frame, Integer> byIdentity = new IdentityHashMap<>();
    private final Map<Key, Integer> byValue = new HashMap<>();
    private final Map<String, Integer> kernel = new HashMap<>();
    private String[] files = new String[256];
    private String[] scopes = new String[256];
    private long[] lines = new long[256];
    private int size;
    private int invalid = -1;
    private int gc = -1;

    /** The id of {@code frame}. */
    public int intern(Frame frame) {
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

    /** The id of the frame (file, scope, line). */
    public int intern(String file, String scope, long line) {
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
    public int invalid() {
        if (invalid < 0) {
            invalid = intern("", INVALID_SCOPE, 0);
        }
        return invalid;
    }

    /** The pseudo-frame of a {@code :GC:} marker. */
    public int gc() {
        if (gc < 0) {
            gc = intern("", GC_SCOPE, 0);
        }
        return gc;
    }

    /** A kernel frame as the text format spells it: file {@code kernel}, the symbol as scope, line 0. */
    public int kernel(String symbol) {
        Integer id = kernel.get(symbol);
        if (id == null) {
            id = intern(KERNEL_FILE, symbol, 0);
            kernel.put(symbol, id);
        }
        return id;
    }

    /** How many frames there are; ids run from 0 to {@code size() - 1}. */
    public int size() {
        return size;
    }

    /** The file of frame {@code id}. */
    public String file(int id) {
        return files[id];
    }

    /** The scope (function) of frame {@code id}. */
    public String scope(int id) {
        return scopes[id];
    }

    /** The line of frame {@code id}. */
    public long line(int id) {
        return lines[id];
    }
}
