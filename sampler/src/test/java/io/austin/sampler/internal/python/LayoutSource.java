package io.austin.sampler.internal.python;

import io.austin.sampler.internal.python.OffsetTable.Node;

/**
 * How {@code offsets.json} (test resources, read through {@link OffsetTable}) becomes a {@link Layout} and the
 * positions of a debug-offsets block: the source that {@link LayoutTableTest} renders into the shipped {@link
 * LayoutTable} and checks it against, and what the synthetic targets of the tests are built from.
 */
final class LayoutSource {
    private LayoutSource() {
    }

    static Node root() {
        return Holder.ROOT;
    }

    /** The raw {@code debug_offsets} table of a version: field name to byte position in the block. */
    static Node debugOffsetsTable(int major, int minor) {
        return Holder.ROOT.path("versions").path(major + "." + minor).path("debug_offsets");
    }

    /** The raw version entry. */
    static Node versionNode(int major, int minor) {
        return Holder.ROOT.path("versions").path(major + "." + minor);
    }

    private static final class Holder {
        static final Node ROOT = OffsetTable.load().root();
    }

    private static int num(Node group, String field) {
        Node n = group.get(field);
        return n == null || !n.isNumber() ? -1 : n.asInt(-1);
    }

    static Layout parse(String version, Node v) {
        Layout l = new Layout();
        int dot = version.indexOf('.');
        l.major = Integer.parseInt(version.substring(0, dot));
        l.minor = Integer.parseInt(version.substring(dot + 1));
        l.derived = "derived".equals(v.path("status").asText());

        Node rt = v.path("runtime");
        l.rtFinalizing = num(rt, "finalizing");
        l.rtInterpretersHead = num(rt, "interpreters_head");
        l.rtMainThread = num(rt, "main_thread");
        l.rtGcCollecting = num(rt, "gc_collecting");
        l.rtGilstateTstateCurrent = num(rt, "gilstate_tstate_current");

        Node is = v.path("interpreter_state");
        l.isNext = num(is, "next");
        l.isId = num(is, "id");
        l.isThreadsHead = num(is, "threads_head");
        l.isGcCollecting = num(is, "gc_collecting");
        l.isCevalGil = num(is, "ceval_gil");
        Node gil = v.path("gil_runtime_state");
        l.gilLastHolder = num(gil, "last_holder");
        l.gilLocked = num(gil, "locked");

        Node ts = v.path("thread_state");
        l.tsSize = num(ts, "sizeof");
        l.tsNext = num(ts, "next");
        l.tsInterp = num(ts, "interp");
        l.tsThreadId = num(ts, "thread_id");
        l.tsNativeThreadId = num(ts, "native_thread_id");
        l.tsDatastackChunk = num(ts, "datastack_chunk");
        l.tsStatus = num(ts, "status");
        l.tsHoldsGil = num(ts, "holds_gil");
        l.tsHoldsGilBit = num(ts.path("status_bits"), "holds_gil");

        Node sem = v.path("semantics");
        String chain = sem.path("frame_chain").asText();
        switch (chain) {
            case "pyframeobject" -> {
                l.frameChain = Layout.FrameChain.FRAME_OBJECT;
                l.tsFrame = num(ts, "frame");
                Node fo = v.path("frame_object");
                l.frPrevious = num(fo, "f_back");
                l.frExecutable = num(fo, "f_code");
                l.frLasti = num(fo, "f_lasti");
                l.frSize = l.frLasti + 4;
            }
            case "cframe_iframe", "current_frame_iframe" -> {
                boolean cframe = chain.startsWith("cframe");
                l.frameChain = cframe ? Layout.FrameChain.CFRAME : Layout.FrameChain.CURRENT_FRAME;
                if (cframe) {
                    l.tsCframe = num(ts, "cframe");
                    l.cfCurrentFrame = num(v.path("cframe"), "current_frame");
                } else {
                    l.tsFrame = num(ts, "current_frame");
                }
                Node fr = v.path("interpreter_frame");
                l.frPrevious = num(fr, "previous");
                l.frExecutable = num(fr, "executable");
                l.frLasti = num(fr, "instr_ptr");
                l.frOwner = num(fr, "owner");
                l.frSize = num(fr, "sizeof");
            }
            default -> throw new IllegalStateException("unknown frame_chain " + chain + " for " + version);
        }
        l.lastiUnit = switch (sem.path("lasti_unit").asText()) {
            case "bytes" -> Layout.LastiUnit.BYTES;
            case "code_units" -> Layout.LastiUnit.CODE_UNITS;
            default -> Layout.LastiUnit.POINTER;
        };
        l.lineFormat = switch (sem.path("linetable_format").asText()) {
            case "lnotab" -> Layout.LineFormat.LNOTAB;
            case "linetable310" -> Layout.LineFormat.LINETABLE310;
            case "locations311" -> Layout.LineFormat.LOCATIONS311;
            default -> throw new IllegalStateException("unknown linetable_format for " + version);
        };
        l.skipIncomplete = sem.has("skip_incomplete_frames");
        l.executableTagMask = sem.path("executable_tag_mask").asLong(0);
        int skip = 0;
        for (Node s : sem.path("skip_owner_values").elements()) {
            skip |= 1 << s.asInt(0);
        }
        l.ownerSkipMask = skip;
        int known = 0;
        Node owners = v.path("constants").path("frame_owner");
        for (Node o : owners.elements()) {
            known |= 1 << o.asInt(0);
        }
        l.ownerKnownMask = known;
        l.ownerGenerator = owners.path("GENERATOR").asInt(1);
        l.skipNonCodeExecutable = l.frameChain == Layout.FrameChain.CURRENT_FRAME;
        l.pthreadTidOffset = v.path("constants").path("pthread_tid_offset_glibc_x86_64").asInt(720);
        l.gilMethod = switch (sem.path("gil_holder").asText()) {
            case "runtime_gilstate_tstate_current" -> Layout.GilMethod.RUNTIME_TSTATE_CURRENT;
            default -> l.tsHoldsGil >= 0 ? Layout.GilMethod.HOLDS_GIL_INT
                    : l.tsHoldsGilBit >= 0 ? Layout.GilMethod.STATUS_BIT : Layout.GilMethod.INTERPRETER_CEVAL_GIL;
        };

        Node co = v.path("code_object");
        l.coSize = num(co, "sizeof");
        l.coFilename = num(co, "filename");
        l.coScope = "qualname".equals(sem.path("scope_field").asText()) ? num(co, "qualname") : num(co, "name");
        l.coFirstLineno = num(co, "firstlineno");
        l.coLinetable = num(co, "linetable");
        l.coFirstTraceable = num(co, "firsttraceable");
        l.coCodeAdaptive = num(co, "code_adaptive");

        Node ob = v.path("object");
        l.obType = num(ob, "ob_type");
        l.tpName = num(v.path("type_object"), "tp_name");
        Node by = v.path("bytes_object");
        l.bytesSize = num(by, "ob_size");
        l.bytesData = num(by, "ob_sval");
        Node u = v.path("unicode_object");
        l.uLength = num(u, "length");
        l.uHash = num(u, "hash");
        l.uState = num(u, "state");
        l.uAsciiSize = num(u, "sizeof_ascii_object");
        l.uCompactSize = num(u, "sizeof_compact_unicode_object");
        l.uDataAny = num(u, "data_any");
        return l;
    }
}
