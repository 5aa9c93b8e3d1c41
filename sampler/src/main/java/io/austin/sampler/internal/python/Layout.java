package io.austin.sampler.internal.python;

/**
 * The memory layout of one CPython minor version: byte offsets and sizes as plain int fields, plus the algorithm
 * variants the walk needs. Made from {@code offsets.json} by {@link Layouts}, and for 3.13+ overridden by the live
 * {@code _Py_DebugOffsets} block ({@link DebugOffsets}).
 *
 * <p>Fields are package-private on purpose: the walker reads them on the hot path, and nothing outside this package
 * should depend on them. {@code -1} means "the field does not exist in this version". Instances are not changed
 * after {@link Layouts} or {@link DebugOffsets} hand them out.
 */
public final class Layout implements Cloneable {
    /** How a thread state leads to its frames. */
    enum FrameChain {
        /** 3.8–3.10: {@code PyFrameObject} linked by {@code f_back}. */
        FRAME_OBJECT,
        /** 3.11–3.12: {@code tstate->cframe->current_frame}, then {@code _PyInterpreterFrame.previous}. */
        CFRAME,
        /** 3.13+: {@code tstate->current_frame}, then {@code previous}. */
        CURRENT_FRAME
    }

    /** What the frame's position field holds. */
    enum LastiUnit {
        /** {@code f_lasti} in bytes (3.8, 3.9). */
        BYTES,
        /** {@code f_lasti} in 2-byte code units (3.10). */
        CODE_UNITS,
        /** A pointer into {@code co_code_adaptive} (3.11+). */
        POINTER
    }

    /** Line table encodings (cpython.md §5). */
    enum LineFormat {
        LNOTAB, LINETABLE310, LOCATIONS311
    }

    /** How the GIL holder is found (cpython.md §8). */
    enum GilMethod {
        /** {@code runtime.gilstate.tstate_current} (3.8–3.11). */
        RUNTIME_TSTATE_CURRENT,
        /** The interpreter's {@code ceval.gil} pointer: locked and last holder (3.12). */
        INTERPRETER_CEVAL_GIL,
        /** The {@code holds_gil} bit of {@code tstate._status} (3.13). */
        STATUS_BIT,
        /** The {@code holds_gil} int of the thread state (3.14). */
        HOLDS_GIL_INT
    }

    int major;
    int minor;
    /** True when the table numbers were derived from headers rather than compiled here (3.14; checked live since). */
    boolean derived;
    /** True when the offsets come from the live debug-offsets block. */
    boolean fromDebugBlock;

    // _PyRuntimeState
    int rtFinalizing = -1;
    int rtInterpretersHead = -1;
    int rtMainThread = -1;
    /** {@code _PyRuntime.gc.collecting}, 3.8 only. */
    int rtGcCollecting = -1;
    int rtGilstateTstateCurrent = -1;

    // PyInterpreterState
    int isNext = -1;
    int isId = -1;
    int isThreadsHead = -1;
    /** Absolute offset of {@code gc.collecting} in the interpreter (3.9+). */
    int isGcCollecting = -1;
    /** The {@code ceval.gil} pointer (3.12+). */
    int isCevalGil = -1;
    int gilLastHolder = 8;
    int gilLocked = 16;

    // PyThreadState
    int tsSize = -1;
    int tsNext = -1;
    int tsInterp = -1;
    /** {@code frame} (3.8–3.10) or {@code current_frame} (3.13+). */
    int tsFrame = -1;
    /** {@code cframe} pointer (3.11, 3.12). */
    int tsCframe = -1;
    int cfCurrentFrame = -1;
    int tsThreadId = -1;
    int tsNativeThreadId = -1;
    int tsDatastackChunk = -1;
    int tsStatus = -1;
    int tsHoldsGilBit = -1;
    int tsHoldsGil = -1;

    // PyFrameObject (3.8–3.10) or _PyInterpreterFrame (3.11+)
    FrameChain frameChain;
    LastiUnit lastiUnit;
    /** Bytes to read per frame: enough for every field used. */
    int frSize = -1;
    int frPrevious = -1;
    int frExecutable = -1;
    /** {@code f_lasti} (i32) or {@code prev_instr}/{@code instr_ptr} (pointer). */
    int frLasti = -1;
    int frOwner = -1;
    /** Bit i set: skip frames with owner i. */
    int ownerSkipMask;
    /** Bit i set: owner i is a known enum value. */
    int ownerKnownMask;
    int ownerGenerator = 1;
    long executableTagMask;
    boolean skipIncomplete;
    /** 3.13+: a frame whose executable is not a code object is skipped, not an error. */
    boolean skipNonCodeExecutable;

    // PyCodeObject
    int coSize = -1;
    int coFilename = -1;
    /** {@code co_qualname} (3.11+) or {@code co_name}. */
    int coScope = -1;
    int coFirstLineno = -1;
    int coLinetable = -1;
    int coFirstTraceable = -1;
    int coCodeAdaptive = -1;
    LineFormat lineFormat;

    // objects
    int obType = 8;
    int tpName = 24;
    int bytesSize = 16;
    int bytesData = 32;
    int uLength = 16;
    int uHash = 24;
    int uState = 32;
    int uAsciiSize = -1;
    int uCompactSize = -1;
    int uDataAny = -1;

    GilMethod gilMethod;
    int pthreadTidOffset = 720;

    Layout() {
    }

    /** Python major version, e.g. 3. */
    public int major() {
        return major;
    }

    /** Python minor version, e.g. 12. */
    public int minor() {
        return minor;
    }

    /**
     * Whether the built-in table for this version was derived from headers rather than compiled here (3.14: its
     * numbers were then checked against a live 3.14.10's debug-offsets block).
     */
    public boolean derived() {
        return derived;
    }

    /** Whether the offsets were taken from the target's own {@code _Py_DebugOffsets} block. */
    public boolean fromDebugBlock() {
        return fromDebugBlock;
    }

    /** Bytes of a code object the walker reads to check and decode it. */
    int codeReadLength() {
        int end = Math.max(coFilename, Math.max(coScope, coLinetable)) + 8;
        end = Math.max(end, coFirstLineno + 4);
        if (coFirstTraceable >= 0) {
            end = Math.max(end, coFirstTraceable + 4);
        }
        return Math.max(end, obType + 8);
    }

    /** Bytes of a thread state the walker reads in one call. */
    int threadReadLength() {
        int end = Math.max(tsNext, tsInterp) + 8;
        end = Math.max(end, Math.max(tsFrame, tsCframe) + 8);
        end = Math.max(end, tsThreadId + 8);
        end = Math.max(end, tsNativeThreadId + 8);
        end = Math.max(end, tsDatastackChunk + 8);
        end = Math.max(end, tsStatus + 4);
        end = Math.max(end, tsHoldsGil + 4);
        return end;
    }

    Layout copy() {
        try {
            return (Layout) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "Layout[" + major + "." + minor + (derived ? ", derived" : "") + (fromDebugBlock ? ", debug block" : "")
                + "]";
    }
}
