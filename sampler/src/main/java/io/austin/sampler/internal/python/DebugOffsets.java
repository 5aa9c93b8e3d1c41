package io.austin.sampler.internal.python;

import io.austin.sampler.internal.python.OffsetTable.Node;
import io.austin.sampler.internal.RemoteMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;

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

    private record Field(String name, ToIntFunction<Layout> get, ObjIntConsumer<Layout> set) {
    }

    /**
     * Block fields the walker uses, and where they go in a layout; made when a block is first decoded (3.13 and
     * later), not when the class is first used: its sixty-odd lambdas cost a start-up about 10 ms.
     */
    private static final class Fields {
        static final List<Field> ALL = List.of(
                new Field("runtime_state.finalizing", l -> l.rtFinalizing, (l, v) -> l.rtFinalizing = v),
                new Field("runtime_state.interpreters_head", l -> l.rtInterpretersHead,
                        (l, v) -> l.rtInterpretersHead = v),
                new Field("interpreter_state.id", l -> l.isId, (l, v) -> l.isId = v),
                new Field("interpreter_state.next", l -> l.isNext, (l, v) -> l.isNext = v),
                new Field("interpreter_state.threads_head", l -> l.isThreadsHead, (l, v) -> l.isThreadsHead = v),
                new Field("interpreter_state.ceval_gil", l -> l.isCevalGil, (l, v) -> l.isCevalGil = v),
                new Field("thread_state.size", l -> l.tsSize, (l, v) -> l.tsSize = v),
                new Field("thread_state.next", l -> l.tsNext, (l, v) -> l.tsNext = v),
                new Field("thread_state.interp", l -> l.tsInterp, (l, v) -> l.tsInterp = v),
                new Field("thread_state.current_frame", l -> l.tsFrame, (l, v) -> l.tsFrame = v),
                new Field("thread_state.thread_id", l -> l.tsThreadId, (l, v) -> l.tsThreadId = v),
                new Field("thread_state.native_thread_id", l -> l.tsNativeThreadId, (l, v) -> l.tsNativeThreadId = v),
                new Field("thread_state.datastack_chunk", l -> l.tsDatastackChunk, (l, v) -> l.tsDatastackChunk = v),
                new Field("thread_state.status", l -> l.tsStatus, (l, v) -> l.tsStatus = v),
                new Field("interpreter_frame.size", l -> l.frSize, (l, v) -> l.frSize = v),
                new Field("interpreter_frame.previous", l -> l.frPrevious, (l, v) -> l.frPrevious = v),
                new Field("interpreter_frame.executable", l -> l.frExecutable, (l, v) -> l.frExecutable = v),
                new Field("interpreter_frame.instr_ptr", l -> l.frLasti, (l, v) -> l.frLasti = v),
                new Field("interpreter_frame.owner", l -> l.frOwner, (l, v) -> l.frOwner = v),
                new Field("code_object.size", l -> l.coSize, (l, v) -> l.coSize = v),
                new Field("code_object.filename", l -> l.coFilename, (l, v) -> l.coFilename = v),
                new Field("code_object.qualname", l -> l.coScope, (l, v) -> l.coScope = v),
                new Field("code_object.linetable", l -> l.coLinetable, (l, v) -> l.coLinetable = v),
                new Field("code_object.firstlineno", l -> l.coFirstLineno, (l, v) -> l.coFirstLineno = v),
                new Field("code_object.co_code_adaptive", l -> l.coCodeAdaptive, (l, v) -> l.coCodeAdaptive = v),
                new Field("pyobject.ob_type", l -> l.obType, (l, v) -> l.obType = v),
                new Field("type_object.tp_name", l -> l.tpName, (l, v) -> l.tpName = v),
                new Field("bytes_object.ob_size", l -> l.bytesSize, (l, v) -> l.bytesSize = v),
                new Field("bytes_object.ob_sval", l -> l.bytesData, (l, v) -> l.bytesData = v),
                new Field("unicode_object.state", l -> l.uState, (l, v) -> l.uState = v),
                new Field("unicode_object.length", l -> l.uLength, (l, v) -> l.uLength = v),
                new Field("unicode_object.asciiobject_size", l -> l.uAsciiSize, (l, v) -> l.uAsciiSize = v));
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
        Node t = Layouts.debugOffsetsTable(major, minor);
        return t.path("sizeof").asInt(-1);
    }

    /**
     * Decodes a block read from the target.
     *
     * @param block the block's bytes from index 0 (its order is ignored: the block is little-endian)
     * @throws UnsupportedPythonException on a missing cookie, another version, a free-threaded build or implausible
     *                                    values
     */
    public static Result decode(ByteBuffer block, int major, int minor) {
        Node pos = Layouts.debugOffsetsTable(major, minor);
        int size = pos.path("sizeof").asInt(-1);
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
        long version = b.getLong(pos.path("version").asInt(-1));
        if (((version >>> 24) & 0xFF) != major || ((version >>> 16) & 0xFF) != minor) {
            throw new UnsupportedPythonException(String.format(
                    "debug block says version 0x%08x, expected %d.%d", version, major, minor));
        }
        if (b.getLong(pos.path("free_threaded").asInt(-1)) != 0) {
            throw new UnsupportedPythonException("free-threaded CPython builds are not supported");
        }
        Layout table = Layouts.forVersion(major, minor);
        Layout l = table.copy();
        l.fromDebugBlock = true;
        List<LayoutDifference> diffs = new ArrayList<>();
        for (Field f : Fields.ALL) {
            Node p = pos.get(f.name());
            if (p == null) {
                continue;
            }
            long value = b.getLong(p.asInt(0));
            if (value < 0 || value > MAX_PLAUSIBLE) {
                throw new UnsupportedPythonException("implausible debug offset " + f.name() + " = " + value);
            }
            int old = f.get().applyAsInt(table);
            if (old != value) {
                diffs.add(new LayoutDifference(f.name(), old, value));
            }
            f.set().accept(l, (int) value);
        }
        long gc = b.getLong(pos.path("interpreter_state.gc").asInt(-1));
        long collecting = b.getLong(pos.path("gc.collecting").asInt(-1));
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
