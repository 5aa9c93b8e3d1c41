package io.austin.sampler.internal.python;

import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the {@code _Py_DebugOffsets} block at the start of {@code _PyRuntime} (3.13+, cpython.md §9) into a
 * {@link Layout}: every offset the block carries replaces the table's, and each disagreement is reported.
 */
public final class DebugOffsets {
    /** The 8 ASCII bytes at the start of the block. */
    public static final String COOKIE = "xdebugpy";
    /** Any offset or size beyond this is taken as garbage. */
    private static final long MAX_PLAUSIBLE = 1 << 20;

    /**
     * A decoded block.
     *
     * @param layout      the layout to walk with (block offsets over the table's)
     * @param version     the block's {@code PY_VERSION_HEX}
     * @param differences where the block disagrees with {@code offsets.json}
     */
    public record Result(Layout layout, long version, List<LayoutDifference> differences) {
        public Result {
            differences = List.copyOf(differences);
        }
    }

    /**
     * Block fields the walker uses, by their names in the block's table; {@link #get} and {@link #set} say where each
     * goes in a layout (switches, not a pair of lambdas per field: linking sixty-odd lambdas took the attach to a 3.13
     * target about 15 ms, while the program's first lines ran unsampled).
     */
    private static final String[] FIELDS = {
            "runtime_state.finalizing",
            "runtime_state.interpreters_head",
            "interpreter_state.id",
            "interpreter_state.next",
            "interpreter_state.threads_head",
            "interpreter_state.ceval_gil",
            "thread_state.size",
            "thread_state.next",
            "thread_state.interp",
            "thread_state.current_frame",
            "thread_state.thread_id",
            "thread_state.native_thread_id",
            "thread_state.datastack_chunk",
            "thread_state.status",
            "interpreter_frame.size",
            "interpreter_frame.previous",
            "interpreter_frame.executable",
            "interpreter_frame.instr_ptr",
            "interpreter_frame.owner",
            "code_object.size",
            "code_object.filename",
            "code_object.qualname",
            "code_object.linetable",
            "code_object.firstlineno",
            "code_object.co_code_adaptive",
            "pyobject.ob_type",
            "type_object.tp_name",
            "bytes_object.ob_size",
            "bytes_object.ob_sval",
            "unicode_object.state",
            "unicode_object.length",
            "unicode_object.asciiobject_size"
    };

    /** The layout's value of a block field. */
    private static int get(Layout l, String field) {
        return switch (field) {
            case "runtime_state.finalizing" -> l.rtFinalizing;
            case "runtime_state.interpreters_head" -> l.rtInterpretersHead;
            case "interpreter_state.id" -> l.isId;
            case "interpreter_state.next" -> l.isNext;
            case "interpreter_state.threads_head" -> l.isThreadsHead;
            case "interpreter_state.ceval_gil" -> l.isCevalGil;
            case "thread_state.size" -> l.tsSize;
            case "thread_state.next" -> l.tsNext;
            case "thread_state.interp" -> l.tsInterp;
            case "thread_state.current_frame" -> l.tsFrame;
            case "thread_state.thread_id" -> l.tsThreadId;
            case "thread_state.native_thread_id" -> l.tsNativeThreadId;
            case "thread_state.datastack_chunk" -> l.tsDatastackChunk;
            case "thread_state.status" -> l.tsStatus;
            case "interpreter_frame.size" -> l.frSize;
            case "interpreter_frame.previous" -> l.frPrevious;
            case "interpreter_frame.executable" -> l.frExecutable;
            case "interpreter_frame.instr_ptr" -> l.frLasti;
            case "interpreter_frame.owner" -> l.frOwner;
            case "code_object.size" -> l.coSize;
            case "code_object.filename" -> l.coFilename;
            case "code_object.qualname" -> l.coScope;
            case "code_object.linetable" -> l.coLinetable;
            case "code_object.firstlineno" -> l.coFirstLineno;
            case "code_object.co_code_adaptive" -> l.coCodeAdaptive;
            case "pyobject.ob_type" -> l.obType;
            case "type_object.tp_name" -> l.tpName;
            case "bytes_object.ob_size" -> l.bytesSize;
            case "bytes_object.ob_sval" -> l.bytesData;
            case "unicode_object.state" -> l.uState;
            case "unicode_object.length" -> l.uLength;
            case "unicode_object.asciiobject_size" -> l.uAsciiSize;
            default -> throw new IllegalArgumentException(field);
        };
    }

    /** Sets a block field in a layout. */
    private static void set(Layout l, String field, int value) {
        switch (field) {
            case "runtime_state.finalizing" -> l.rtFinalizing = value;
            case "runtime_state.interpreters_head" -> l.rtInterpretersHead = value;
            case "interpreter_state.id" -> l.isId = value;
            case "interpreter_state.next" -> l.isNext = value;
            case "interpreter_state.threads_head" -> l.isThreadsHead = value;
            case "interpreter_state.ceval_gil" -> l.isCevalGil = value;
            case "thread_state.size" -> l.tsSize = value;
            case "thread_state.next" -> l.tsNext = value;
            case "thread_state.interp" -> l.tsInterp = value;
            case "thread_state.current_frame" -> l.tsFrame = value;
            case "thread_state.thread_id" -> l.tsThreadId = value;
            case "thread_state.native_thread_id" -> l.tsNativeThreadId = value;
            case "thread_state.datastack_chunk" -> l.tsDatastackChunk = value;
            case "thread_state.status" -> l.tsStatus = value;
            case "interpreter_frame.size" -> l.frSize = value;
            case "interpreter_frame.previous" -> l.frPrevious = value;
            case "interpreter_frame.executable" -> l.frExecutable = value;
            case "interpreter_frame.instr_ptr" -> l.frLasti = value;
            case "interpreter_frame.owner" -> l.frOwner = value;
            case "code_object.size" -> l.coSize = value;
            case "code_object.filename" -> l.coFilename = value;
            case "code_object.qualname" -> l.coScope = value;
            case "code_object.linetable" -> l.coLinetable = value;
            case "code_object.firstlineno" -> l.coFirstLineno = value;
            case "code_object.co_code_adaptive" -> l.coCodeAdaptive = value;
            case "pyobject.ob_type" -> l.obType = value;
            case "type_object.tp_name" -> l.tpName = value;
            case "bytes_object.ob_size" -> l.bytesSize = value;
            case "bytes_object.ob_sval" -> l.bytesData = value;
            case "unicode_object.state" -> l.uState = value;
            case "unicode_object.length" -> l.uLength = value;
            case "unicode_object.asciiobject_size" -> l.uAsciiSize = value;
            default -> throw new IllegalArgumentException(field);
        }
    }

    private DebugOffsets() {
    }

    /**
     * Reads the version from the debug cookie at the start of {@code _PyRuntime} (cpython.md §3, method 1).
     *
     * @return {@code PY_VERSION_HEX} (e.g. {@code 0x030d00f0}), or -1 when the bytes there are not the cookie
     *         (before 3.13, or not the runtime) or cannot be read
     */
    public static long readVersion(RemoteMemory memory, long runtimeAddress) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        if (runtimeAddress == 0 || !memory.read(runtimeAddress, b, 0, 16)) {
            return -1;
        }
        byte[] cookie = new byte[8];
        b.get(0, cookie, 0, 8);
        return COOKIE.equals(new String(cookie, StandardCharsets.ISO_8859_1)) ? b.getLong(8) : -1;
    }

    /** Size in bytes of the block for a minor version, or -1 when the version has no block in the table. */
    public static int blockSize(int major, int minor) {
        return LayoutTable.debugPosition(major, minor, "sizeof");
    }

    /**
     * The block a target of the table's layout {@code l} (3.13+) carries: the cookie, the version, and every field
     * the decoder reads at its position (the garbage collector's flag as the interpreter's {@code gc} offset plus 0).
     * The warm-up decodes it, so that an attach decodes with warm code.
     */
    static ByteBuffer blockOf(Layout l) {
        int size = LayoutTable.debugPosition(l.major, l.minor, "sizeof");
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 0)).order(ByteOrder.LITTLE_ENDIAN);
        if (size < 8) {
            return b;
        }
        b.put(0, COOKIE.getBytes(StandardCharsets.ISO_8859_1));
        putAt(b, LayoutTable.debugPosition(l.major, l.minor, "version"), ((long) l.major << 24) | (l.minor << 16));
        for (String f : FIELDS) {
            putAt(b, LayoutTable.debugPosition(l.major, l.minor, f), get(l, f));
        }
        putAt(b, LayoutTable.debugPosition(l.major, l.minor, "interpreter_state.gc"), l.isGcCollecting);
        putAt(b, LayoutTable.debugPosition(l.major, l.minor, "gc.collecting"), 0);
        return b;
    }

    private static void putAt(ByteBuffer b, int position, long value) {
        if (position >= 0 && position + 8 <= b.limit()) {
            b.putLong(position, value);
        }
    }

    /**
     * Decodes a block read from the target.
     *
     * @param block the block's bytes from index 0 (its order is ignored: the block is little-endian)
     * @throws UnsupportedPythonException on a missing cookie, another version, a free-threaded build or implausible
     *                                    values
     */
    public static Result decode(ByteBuffer block, int major, int minor) {
        int size = LayoutTable.debugPosition(major, minor, "sizeof");
        if (size < 0) {
            throw new UnsupportedPythonException("no _Py_DebugOffsets layout for Python " + major + "." + minor);
        }
        ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < size) {
            throw new UnsupportedPythonException("debug offsets block too short: " + b.limit() + " < " + size);
        }
        byte[] cookie = new byte[8];
        b.get(0, cookie, 0, 8);
        if (!COOKIE.equals(new String(cookie, StandardCharsets.ISO_8859_1))) {
            throw new UnsupportedPythonException("no xdebugpy cookie at the runtime address");
        }
        long version = b.getLong(LayoutTable.debugPosition(major, minor, "version"));
        if (((version >>> 24) & 0xFF) != major || ((version >>> 16) & 0xFF) != minor) {
            throw new UnsupportedPythonException(String.format(
                    "debug block says version 0x%08x, expected %d.%d", version, major, minor));
        }
        if (b.getLong(LayoutTable.debugPosition(major, minor, "free_threaded")) != 0) {
            throw new UnsupportedPythonException("free-threaded CPython builds are not supported");
        }
        Layout table = Layouts.forVersion(major, minor);
        Layout l = table.copy();
        l.fromDebugBlock = true;
        List<LayoutDifference> diffs = new ArrayList<>();
        for (String f : FIELDS) {
            int p = LayoutTable.debugPosition(major, minor, f);
            if (p < 0) {
                continue;
            }
            long value = b.getLong(p);
            if (value < 0 || value > MAX_PLAUSIBLE) {
                throw new UnsupportedPythonException("implausible debug offset " + f + " = " + value);
            }
            int old = get(table, f);
            if (old != value) {
                diffs.add(new LayoutDifference(f, old, value));
            }
            set(l, f, (int) value);
        }
        long gc = b.getLong(LayoutTable.debugPosition(major, minor, "interpreter_state.gc"));
        long collecting = b.getLong(LayoutTable.debugPosition(major, minor, "gc.collecting"));
        if (gc < 0 || collecting < 0 || gc + collecting > MAX_PLAUSIBLE) {
            throw new UnsupportedPythonException("implausible gc offsets " + gc + " + " + collecting);
        }
        if (gc + collecting != table.isGcCollecting) {
            diffs.add(new LayoutDifference("interpreter_state.gc+gc.collecting", table.isGcCollecting,
                    gc + collecting));
        }
        l.isGcCollecting = (int) (gc + collecting);
        // The frame read must cover every frame field we decode, whatever the block says the size is.
        l.frSize = Math.max(l.frSize, Math.max(l.frOwner + 1, Math.max(l.frLasti, l.frPrevious) + 8));
        if (l.frSize > 4096 || l.uAsciiSize <= 0) {
            throw new UnsupportedPythonException("implausible frame or string layout in the debug block");
        }
        return new Result(l, version, diffs);
    }
}
