package io.austin.sampler.internal.python;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes CPython objects of the target (cpython.md §6): {@code str} in its compact ASCII, compact and legacy forms
 * (Latin-1, UCS-2, UCS-4), and {@code bytes}. The cold path of a walk, read straight from the target; strings are
 * cached by address and re-validated on every use (length, state and hash), since addresses are reused. Anything
 * implausible is null, never an exception.
 */
final class RemoteObjects {
    static final int MAX_STRING = 4096;
    static final int MAX_TABLE = 256 * 1024;

    private record StringEntry(long length, int state, long hash, String value) {
    }

    private final PassReader reader;
    private final Layout lay;
    private final ByteBuffer objBuf = PassReader.buffer(MAX_STRING * 4 + 256);
    private final ByteBuffer small = PassReader.buffer(256);
    private ByteBuffer tableBuf = PassReader.buffer(4096);
    private final LongMap<StringEntry> strings = new LongMap<>(1024, 16384);

    RemoteObjects(PassReader reader, Layout lay) {
        this.reader = reader;
        this.lay = lay;
    }

    /** A scratch buffer of at least {@code MAX_STRING * 4} bytes for other cold reads of the walker. */
    ByteBuffer scratch() {
        return objBuf;
    }

    /** Decodes a {@code str} object, or returns null when it is not plausible. */
    String readString(long s) {
        if (!InterpreterWalker.validPointer(s)) {
            return null;
        }
        ByteBuffer b = objBuf;
        int header = lay.uCompactSize > 0 ? lay.uCompactSize : lay.uAsciiSize;
        // The full compact header can run past a small ASCII object's end; retry with the shorter one.
        if (!reader.read(s, b, 0, header)) {
            header = lay.uAsciiSize;
            if (!reader.read(s, b, 0, header)) {
                return null;
            }
        }
        long length = b.getLong(lay.uLength);
        int state = b.getInt(lay.uState);
        long hash = b.getLong(lay.uHash);
        int kind = (state >>> 2) & 7;
        boolean compact = ((state >>> 5) & 1) != 0;
        boolean ascii = ((state >>> 6) & 1) != 0;
        if (length < 0 || length > MAX_STRING || (kind != 1 && kind != 2 && kind != 4) || (ascii && kind != 1)) {
            return null;
        }
        StringEntry cached = strings.get(s);
        if (cached != null && cached.length == length && cached.state == state && cached.hash == hash) {
            return cached.value;
        }
        long data;
        if (compact) {
            if (!ascii && header < lay.uCompactSize) {
                return null;
            }
            data = s + (ascii ? lay.uAsciiSize : lay.uCompactSize);
        } else {
            if (lay.uDataAny < 0 || !reader.read(s + lay.uDataAny, b, 0, 8)) {
                return null;
            }
            data = b.getLong(0);
            if (data <= 0x1000 || (data & (kind - 1)) != 0 || data >= (1L << 47)) {
                return null;
            }
        }
        int bytes = (int) length * kind;
        if (bytes > 0 && !reader.read(data, b, 0, bytes)) {
            return null;
        }
        String value = decode(b, (int) length, kind, ascii);
        if (value != null) {
            strings.put(s, new StringEntry(length, state, hash, value));
        }
        return value;
    }

    /**
     * The characters, or null when they cannot be a name: a NUL (no file or code name has one; it is what a read of
     * an object being built or freed returns, and MOJO could not carry it), or a non-ASCII byte in an ASCII string.
     */
    private static String decode(ByteBuffer b, int length, int kind, boolean ascii) {
        switch (kind) {
            case 1: {
                byte[] raw = new byte[length];
                b.get(0, raw, 0, length);
                for (byte x : raw) {
                    if (x == 0 || ascii && x < 0) {
                        return null;
                    }
                }
                return ascii ? new String(raw, StandardCharsets.US_ASCII) : new String(raw, StandardCharsets.ISO_8859_1);
            }
            case 2: {
                char[] chars = new char[length];
                for (int i = 0; i < length; i++) {
                    chars[i] = b.getChar(2 * i);
                    if (chars[i] == 0) {
                        return null;
                    }
                }
                return new String(chars);
            }
            default: {
                int[] cps = new int[length];
                for (int i = 0; i < length; i++) {
                    int cp = b.getInt(4 * i);
                    if (cp <= 0 || cp > Character.MAX_CODE_POINT) {
                        return null;
                    }
                    cps[i] = cp;
                }
                return new String(cps, 0, length);
            }
        }
    }

    /** Reads a {@code bytes} object's contents, or null when unreadable or implausibly large. */
    byte[] readBytes(long p) {
        if (!InterpreterWalker.validPointer(p) || !reader.read(p, small, 0, lay.bytesData)) {
            return null;
        }
        long size = small.getLong(lay.bytesSize);
        if (size < 0 || size > MAX_TABLE) {
            return null;
        }
        int len = (int) size;
        if (len > tableBuf.capacity()) {
            tableBuf = PassReader.buffer(Math.max(len, tableBuf.capacity() * 2));
        }
        if (len > 0 && !reader.read(p + lay.bytesData, tableBuf, 0, len)) {
            return null;
        }
        byte[] out = new byte[len];
        tableBuf.get(0, out, 0, len);
        return out;
    }

    /** Whether the type object at {@code type} is named {@code code} ({@code tp_name}), for unknown code types. */
    boolean isNamedCode(long type) {
        if (!InterpreterWalker.validPointer(type) || !reader.read(type + lay.tpName, small, 0, 8)) {
            return false;
        }
        long name = small.getLong(0);
        if (name == 0 || !reader.read(name, small, 0, 5)) {
            return false;
        }
        return small.get(0) == 'c' && small.get(1) == 'o' && small.get(2) == 'd' && small.get(3) == 'e'
                && small.get(4) == 0;
    }
}
