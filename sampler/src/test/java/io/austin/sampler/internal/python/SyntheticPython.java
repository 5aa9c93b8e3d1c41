package io.austin.sampler.internal.python;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a fake CPython address space in a {@link FakeMemory} from a version's table layout: runtime (with a
 * {@code _Py_DebugOffsets} block on 3.13+), interpreters, thread states, frames (frame objects on 3.8–3.10,
 * data-stack chunks on 3.11+), code objects, strings and line tables.
 */
final class SyntheticPython {
    static final int PID = 4242;

    final FakeMemory mem = new FakeMemory();
    final Layout lay;
    final OffsetTable.Node ver;
    final int major;
    final int minor;
    final long runtime;
    final long codeType;
    private long next = 0x5500_0000_0000L;

    /** One frame to build: code object, instruction offset (bytes), owner (3.11+). */
    record F(long code, int addrq, int owner) {
        static F of(long code, int addrq) {
            return new F(code, addrq, 0);
        }
    }

    SyntheticPython(int major, int minor) {
        this.major = major;
        this.minor = minor;
        this.lay = Layouts.forVersion(major, minor);
        this.ver = LayoutSource.versionNode(major, minor);
        int rtSize = Math.max(ver.path("runtime").path("sizeof").asInt(0), 4096);
        runtime = alloc(rtSize);
        if (DebugOffsets.blockSize(major, minor) > 0) {
            writeDebugBlock(runtime, 0);
        }
        codeType = alloc(512);
        long name = cString("code");
        mem.putLong(codeType + lay.tpName, name);
    }

    long alloc(int size) {
        long a = next;
        mem.map(a, size);
        next += ((size + 63) & ~63L) + 4096;
        return a;
    }

    long cString(String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.US_ASCII);
        long a = alloc(b.length);
        mem.at(a).put(b);
        return a;
    }

    /** Writes a debug block at {@code address} holding the table's values; {@code freeThreaded} as given. */
    void writeDebugBlock(long address, long freeThreaded) {
        OffsetTable.Node pos = LayoutSource.debugOffsetsTable(major, minor);
        ByteBuffer b = mem.at(address);
        b.put(0, "xdebugpy".getBytes(StandardCharsets.US_ASCII));
        for (String name : pos.fieldNames()) {
            int p = pos.path(name).asInt(-1);
            if (name.equals("cookie") || name.equals("sizeof")) {
                continue;
            }
            long v;
            if (name.equals("version")) {
                v = ((long) major << 24) | ((long) minor << 16) | 0xF0;
            } else if (name.equals("free_threaded")) {
                v = freeThreaded;
            } else {
                v = tableValue(name);
            }
            b.putLong(p, v);
        }
    }

    private long tableValue(String dotted) {
        int dot = dotted.indexOf('.');
        String group = dotted.substring(0, dot);
        String field = dotted.substring(dot + 1);
        group = switch (group) {
            case "runtime_state" -> "runtime";
            case "pyobject" -> "object";
            case "gc" -> "gc_runtime_state";
            default -> group;
        };
        field = switch (field) {
            case "size" -> "sizeof";
            case "co_code_adaptive" -> "code_adaptive";
            case "asciiobject_size" -> "sizeof_ascii_object";
            default -> field;
        };
        if (group.equals("interpreter_state") && field.equals("gc")) {
            return ver.path("interpreter_state").path("gc").asLong(0);
        }
        return ver.path(group).path(field).asLong(0);
    }

    /** A new interpreter, pushed at the head of the runtime's list (as CPython does). */
    long interpreter(long id) {
        int size = Math.max(ver.path("interpreter_state").path("sizeof").asInt(0), 8192);
        long is = alloc(size);
        long head = runtime + lay.rtInterpretersHead;
        mem.putLong(is + lay.isNext, mem.at(head).getLong(0));
        mem.putLong(head, is);
        mem.putLong(is + lay.isId, id);
        if (lay.isCevalGil >= 0) {
            long gil = alloc(256);
            mem.putLong(is + lay.isCevalGil, gil);
        }
        return is;
    }

    /** Makes {@code ts} the GIL holder, the way this version records it. */
    void holdGil(long interp, long ts) {
        switch (lay.gilMethod) {
            case RUNTIME_TSTATE_CURRENT -> mem.putLong(runtime + lay.rtGilstateTstateCurrent, ts);
            case INTERPRETER_CEVAL_GIL -> {
                long gil = mem.at(interp + lay.isCevalGil).getLong(0);
                mem.putInt(gil + lay.gilLocked, 1);
                mem.putLong(gil + lay.gilLastHolder, ts);
            }
            case STATUS_BIT -> mem.putInt(ts + lay.tsStatus, 1 << lay.tsHoldsGilBit);
            case HOLDS_GIL_INT -> mem.putInt(ts + lay.tsHoldsGil, 1);
        }
    }

    void gcCollecting(long interp) {
        if (lay.rtGcCollecting >= 0) {
            mem.putInt(runtime + lay.rtGcCollecting, 1);
        } else {
            mem.putInt(interp + lay.isGcCollecting, 1);
        }
    }

    /** A new thread state with the given TID, pushed at the head of the interpreter's list. */
    long thread(long interp, int tid) {
        long ts = alloc(Math.max(lay.tsSize, lay.threadReadLength()));
        long head = interp + lay.isThreadsHead;
        mem.putLong(ts + lay.tsNext, mem.at(head).getLong(0));
        mem.putLong(head, ts);
        mem.putLong(ts + lay.tsInterp, interp);
        long pthread = alloc(2048);
        mem.putLong(ts + lay.tsThreadId, pthread);
        if (lay.tsNativeThreadId >= 0) {
            mem.putLong(ts + lay.tsNativeThreadId, tid);
        } else {
            mem.putInt(pthread + lay.pthreadTidOffset, tid);
        }
        if (tid == PID && lay.rtMainThread >= 0) {
            mem.putLong(runtime + lay.rtMainThread, pthread);
        }
        if (lay.tsCframe >= 0) {
            long cf = alloc(32);
            mem.putLong(ts + lay.tsCframe, cf);
        }
        return ts;
    }

    /** A {@code str} object in the representation CPython would pick. */
    long str(String s) {
        int max = s.codePoints().max().orElse(0);
        int kind = max < 256 ? 1 : max < 0x10000 ? 2 : 4;
        boolean ascii = max < 128;
        int length = (int) s.codePoints().count();
        int header = ascii ? lay.uAsciiSize : lay.uCompactSize;
        long a = alloc(header + (length + 1) * kind);
        writeStrHeader(a, length, kind, true, ascii);
        writeChars(a + header, s, kind);
        return a;
    }

    /** A legacy (not compact) {@code str}: header plus a separate data buffer. */
    long legacyStr(String s) {
        int max = s.codePoints().max().orElse(0);
        int kind = max < 256 ? 1 : max < 0x10000 ? 2 : 4;
        int length = (int) s.codePoints().count();
        long a = alloc(lay.uDataAny + 8);
        long data = alloc((length + 1) * kind);
        writeStrHeader(a, length, kind, false, max < 128);
        mem.putLong(a + lay.uDataAny, data);
        writeChars(data, s, kind);
        return a;
    }

    void writeStrHeader(long a, long length, int kind, boolean compact, boolean ascii) {
        mem.putLong(a + lay.uLength, length);
        mem.putLong(a + lay.uHash, 0x1234_5678L ^ length);
        int state = (kind << 2) | (compact ? 1 << 5 : 0) | (ascii ? 1 << 6 : 0) | (1 << 7);
        mem.putInt(a + lay.uState, state);
    }

    private void writeChars(long at, String s, int kind) {
        ByteBuffer b = mem.at(at);
        int i = 0;
        for (int cp : s.codePoints().toArray()) {
            switch (kind) {
                case 1 -> b.put(i, (byte) cp);
                case 2 -> b.putChar(i, (char) cp);
                default -> b.putInt(i, cp);
            }
            i += kind;
        }
    }

    long bytes(byte[] data) {
        long a = alloc(lay.bytesData + data.length + 1);
        mem.putLong(a + lay.bytesSize, data.length);
        mem.at(a + lay.bytesData).put(data);
        return a;
    }

    /**
     * A code object whose line table maps {@code addrq} to {@code line} (and on 3.11+ to the end line and 0-based
     * columns given); every smaller offset maps to {@code firstLine}.
     */
    long code(String file, String scope, int firstLine, int addrq, int line, int endLine, int col, int endCol) {
        return code(str(file), str(scope), firstLine, table(firstLine, addrq, line, endLine, col, endCol), 0);
    }

    long code(long file, long scope, int firstLine, byte[] table, int firstTraceable) {
        long c = alloc(Math.max(lay.coSize, lay.codeReadLength()) + 64);
        mem.putLong(c + lay.obType, codeType);
        mem.putLong(c + lay.coFilename, file);
        mem.putLong(c + lay.coScope, scope);
        mem.putInt(c + lay.coFirstLineno, firstLine);
        mem.putLong(c + lay.coLinetable, bytes(table));
        if (lay.coFirstTraceable >= 0) {
            mem.putInt(c + lay.coFirstTraceable, firstTraceable);
        }
        return c;
    }

    byte[] table(int firstLine, int addrq, int line, int endLine, int col, int endCol) {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        switch (lay.lineFormat) {
            case LNOTAB -> {
                t.write(addrq);
                t.write(line - firstLine);
            }
            case LINETABLE310 -> {
                t.write(addrq);
                t.write(0);
                t.write(2);
                t.write(line - firstLine);
            }
            default -> {
                int units = addrq / 2;
                while (units > 0) {
                    int n = Math.min(8, units);
                    t.write(0x80 | (13 << 3) | (n - 1));
                    t.write(0); // svarint 0
                    units -= n;
                }
                t.write(0x80 | (14 << 3));
                writeVarint(t, svarint(line - firstLine));
                writeVarint(t, endLine - line);
                writeVarint(t, col + 1);
                writeVarint(t, endCol + 1);
            }
        }
        return t.toByteArray();
    }

    static int svarint(int v) {
        return v < 0 ? ((-v) << 1) | 1 : v << 1;
    }

    static void writeVarint(ByteArrayOutputStream t, int v) {
        while (v >= 64) {
            t.write(0x40 | (v & 0x3F));
            v >>>= 6;
        }
        t.write(v);
    }

    /** A recursion {@code depth} frames deep, root first: a module calling {@code rec}, which calls itself. */
    List<F> recursion(int depth) {
        long module = code("m.py", "<module>", 1, 2, 3, 3, 0, 4);
        long rec = code("m.py", "rec", 10, 4, 12, 12, 4, 14);
        List<F> frames = new ArrayList<>();
        frames.add(F.of(module, 2));
        for (int i = 1; i < depth; i++) {
            frames.add(F.of(rec, 4));
        }
        return frames;
    }

    /**
     * Builds the frames of a thread, root first. On 3.11+ owner-0 frames go into data-stack chunks of
     * {@code perChunk} frames (newer chunks link to older), other owners into separate heap blocks.
     *
     * @return the frame addresses, root first
     */
    long[] stack(long ts, List<F> rootFirst, int perChunk) {
        long[] addr = new long[rootFirst.size()];
        if (lay.frameChain == Layout.FrameChain.FRAME_OBJECT) {
            long prev = 0;
            for (int i = 0; i < rootFirst.size(); i++) {
                F f = rootFirst.get(i);
                long fr = alloc(lay.frSize + 64);
                mem.putLong(fr + lay.frPrevious, prev);
                mem.putLong(fr + lay.frExecutable, f.code());
                mem.putInt(fr + lay.frLasti,
                        lay.lastiUnit == Layout.LastiUnit.CODE_UNITS ? f.addrq() / 2 : f.addrq());
                addr[i] = fr;
                prev = fr;
            }
            mem.putLong(ts + lay.tsFrame, prev);
            return addr;
        }
        int slot = lay.frSize + 24; // a frame plus a few locals
        int chunkSize = 24 + perChunk * slot + 256;
        long chunk = 0;
        int used = perChunk;
        long prev = 0;
        for (int i = 0; i < rootFirst.size(); i++) {
            F f = rootFirst.get(i);
            long fr;
            if (f.owner() == 0) {
                if (used == perChunk) {
                    long c = alloc(chunkSize);
                    mem.putLong(c, chunk);
                    mem.putLong(c + 8, chunkSize);
                    chunk = c;
                    used = 0;
                }
                fr = chunk + 24 + (long) used * slot;
                used++;
            } else {
                fr = alloc(lay.frSize + 64);
            }
            mem.putLong(fr + lay.frPrevious, prev);
            mem.putLong(fr + lay.frExecutable, f.code() | (lay.executableTagMask != 0 ? 1 : 0));
            mem.putLong(fr + lay.frLasti, f.code() + lay.coCodeAdaptive + f.addrq());
            mem.putByte(fr + lay.frOwner, f.owner());
            addr[i] = fr;
            prev = fr;
        }
        if (lay.tsDatastackChunk >= 0) {
            mem.putLong(ts + lay.tsDatastackChunk, chunk);
        }
        if (lay.frameChain == Layout.FrameChain.CFRAME) {
            long cf = mem.at(ts + lay.tsCframe).getLong(0);
            mem.putLong(cf + lay.cfCurrentFrame, prev);
        } else {
            mem.putLong(ts + lay.tsFrame, prev);
        }
        return addr;
    }

    InterpreterWalker walker() {
        return InterpreterWalker.create(mem, major, minor, runtime, codeType, PID);
    }
}
