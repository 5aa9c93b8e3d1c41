package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.sampler.Pythons;
import io.austin.sampler.internal.linux.ProcessVmMemory;
import io.austin.sampler.internal.linux.Targets;
import io.austin.sampler.internal.python.OffsetTable.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On 3.13 and later a live interpreter carries its own offsets (the {@code _Py_DebugOffsets} block at the start of
 * its runtime): every offset and size of that block which {@code offsets.json} also has must agree with it, not only
 * those the walker uses ({@link RealProcessTest} checks those through the walker). This is what makes the 3.14 entry,
 * derived from headers, a checked one; a patch release that moves a field fails it.
 */
class LiveDebugOffsetsTest {

    static Stream<Pythons.Python> pythons() {
        return Pythons.ALL.stream().filter(py -> py.minor() >= 13);
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void everyOffsetOfTheLiveBlockAgreesWithTheTable(Pythons.Python py) throws Exception {
        Pythons.require(py);
        try (Targets.Target target = Targets.python(py.path());
                ProcessVmMemory memory = ProcessVmMemory.open(target.pid())) {
            Node positions = LayoutSource.debugOffsetsTable(3, py.minor());
            int size = positions.path("sizeof").asInt(-1);
            assertEquals(DebugOffsets.blockSize(3, py.minor()), size);
            ByteBuffer block = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            assertTrue(memory.read(target.runtimeAddress(), block, 0, size), "the block of " + py);
            assertEquals(target.hexVersion(), block.getLong(positions.path("version").asInt(-1)));

            Node table = LayoutSource.versionNode(3, py.minor());
            List<String> compared = new ArrayList<>();
            List<String> differ = new ArrayList<>();
            for (String field : positions.fieldNames()) {
                Node counterpart = counterpart(table, field);
                if (counterpart == null) {
                    continue;
                }
                long live = block.getLong(positions.path(field).asInt(-1));
                compared.add(field);
                if (live != counterpart.asLong(-1)) {
                    differ.add(field + ": table " + counterpart.asLong(-1) + ", live " + live);
                }
            }
            System.out.println("[debug offsets] " + py + ": " + compared.size() + " of the block's "
                    + positions.fieldNames().size() + " fields compared with offsets.json");
            assertEquals(List.of(), differ, py + "'s own debug offsets disagree with offsets.json");
            assertTrue(compared.size() >= 40, "too few fields compared: " + compared);
        }
    }

    /** The table's number for the block's field {@code group.name}, or null when the table has none. */
    private static Node counterpart(Node table, String field) {
        int dot = field.indexOf('.');
        if (dot < 0) {
            return null; // the cookie, the version, the free-threading flag, the block's own size
        }
        String group = switch (field.substring(0, dot)) {
            case "runtime_state" -> "runtime";
            case "pyobject" -> "object";
            case "gc" -> "gc_runtime_state";
            default -> field.substring(0, dot);
        };
        String name = switch (field.substring(dot + 1)) {
            case "size" -> "sizeof";
            case "gil_runtime_state" -> "gil";
            case "gil_runtime_state_locked" -> "gil_locked";
            case "gil_runtime_state_holder" -> "gil_last_holder";
            default -> field.substring(dot + 1);
        };
        Node values = table.get(group);
        if (values == null) {
            return null;
        }
        Node n = values.get(name);
        if (n == null && name.startsWith("co_")) {
            n = values.get(name.substring(3));
        }
        return n != null && n.isNumber() ? n : null;
    }
}
