package io.austin.sampler.internal.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The built-in per-version layouts, loaded once from the bundled {@code offsets.json} (a copy of the shared spec).
 */
public final class Layouts {
    private static final String RESOURCE = "offsets.json";
    private static final Map<String, Layout> TABLE = load();

    private Layouts() {
    }

    /**
     * The table layout of a CPython minor version.
     *
     * @throws UnsupportedPythonException when the version is not in the table (3.8–3.14 are)
     */
    public static Layout forVersion(int major, int minor) {
        Layout l = TABLE.get(major + "." + minor);
        if (l == null) {
            throw new UnsupportedPythonException("no layout for Python " + major + "." + minor);
        }
        return l;
    }

    /** The versions in the table, e.g. {@code "3.8"}. */
    public static Set<String> versions() {
        return TABLE.keySet();
    }

    /** The raw {@code debug_offsets} table of a version: field name to byte position in the block. */
    static JsonNode debugOffsetsTable(int major, int minor) {
        return Holder.ROOT.path("versions").path(major + "." + minor).path("debug_offsets");
    }

    /** The raw version entry, for cross-checks. */
    static JsonNode versionNode(int major, int minor) {
        return Holder.ROOT.path("versions").path(major + "." + minor);
    }

    private static final class Holder {
        static final JsonNode ROOT = readTree();
    }

    private static JsonNode readTree() {
        try (InputStream in = Layouts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Layout> load() {
        JsonNode versions = Holder.ROOT.path("versions");
        Map<String, Layout> out = new LinkedHashMap<>();
        versions.fields().forEachRemaining(e -> out.put(e.getKey(), parse(e.getKey(), e.getValue())));
        return Collections.unmodifiableMap(out);
    }

    private static int num(JsonNode group, String field) {
        JsonNode n = group.get(field);
        return n == null || !n.isNumber() ? -1 : n.intValue();
    }

    static Layout parse(String version, JsonNode v) {
        Layout l = new Layout();
        int dot = version.indexOf('.');
        l.major = Integer.parseInt(version.substring(0, dot));
        l.minor = Integer.parseInt(version.substring(dot + 1));
        l.derived = "derived".equals(v.path("status").asText());

        JsonNode rt = v.path("runtime");
        l.rtFinalizing = num(rt, "finalizing");
        l.rtInterpretersHead = num(rt, "interpreters_head");
        l.rtMainThread = num(rt, "main_thread");
        l.rtGcCollecting = num(rt, "gc_collecting");
        l.rtGilstateTstateCurrent = num(rt, "gilstate_tstate_current");

        JsonNode is = v.path("interpreter_state");
        l.isNext = num(is, "next");
        l.isId = num(is, "id");
        l.isThreadsHead = num(is, "threads_head");
        l.isGcCollecting = num(is, "gc_collecting");
        l.isCevalGil = num(is, "ceval_gil");
        JsonNode gil = v.path("gil_runtime_state");
        l.gilLastHolder = num(gil, "last_holder");
        l.gilLocked = num(gil, "locked");

        JsonNode ts = v.path("thread_state");
        l.tsSize = num(ts, "sizeof");
        l.tsNext = num(ts, "next");
        l.tsInterp = num(ts, "interp");
        l.tsThreadId = num(ts, "thread_id");
        l.tsNativeThreadId = num(ts, "native_thread_id");
        l.tsDatastackChunk = num(ts, "datastack_chunk");
        l.tsStatus = num(ts, "status");
        l.tsHoldsGil = num(ts, "holds_gil");
        l.tsHoldsGilBit = num(ts.path("status_bits"), "holds_gil");

        JsonNode sem = v.path("semantics");
        String chain = sem.path("frame_chain").asText();
        switch (chain) {
            case "pyframeobject" -> {
                l.frameChain = Layout.FrameChain.FRAME_OBJECT;
                l.tsFrame = num(ts, "frame");
                JsonNode fo = v.path("frame_object");
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
                JsonNode fr = v.path("interpreter_frame");
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
        for (JsonNode s : sem.path("skip_owner_values")) {
            skip |= 1 << s.intValue();
        }
        l.ownerSkipMask = skip;
        int known = 0;
        JsonNode owners = v.path("constants").path("frame_owner");
        for (JsonNode o : owners) {
            known |= 1 << o.intValue();
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

        JsonNode co = v.path("code_object");
        l.coSize = num(co, "sizeof");
        l.coFilename = num(co, "filename");
        l.coScope = "qualname".equals(sem.path("scope_field").asText()) ? num(co, "qualname") : num(co, "name");
        l.coFirstLineno = num(co, "firstlineno");
        l.coLinetable = num(co, "linetable");
        l.coFirstTraceable = num(co, "firsttraceable");
        l.coCodeAdaptive = num(co, "code_adaptive");

        JsonNode ob = v.path("object");
        l.obType = num(ob, "ob_type");
        l.tpName = num(v.path("type_object"), "tp_name");
        JsonNode by = v.path("bytes_object");
        l.bytesSize = num(by, "ob_size");
        l.bytesData = num(by, "ob_sval");
        JsonNode u = v.path("unicode_object");
        l.uLength = num(u, "length");
        l.uHash = num(u, "hash");
        l.uState = num(u, "state");
        l.uAsciiSize = num(u, "sizeof_ascii_object");
        l.uCompactSize = num(u, "sizeof_compact_unicode_object");
        l.uDataAny = num(u, "data_any");
        return l;
    }
}
