package io.austin.sampler.internal.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The shipped table ({@code offsets.properties}) is {@code offsets.json} flattened, and reads as the JSON tree does.
 * After editing offsets.json (test resources), regenerate the shipped file with
 * {@code mvn -pl sampler test -Dtest=OffsetTableTest -Daustin.regenerate=true}.
 */
class OffsetTableTest {
    private static final Path SHIPPED = Path.of("src/main/resources/io/austin/sampler/internal/python",
            OffsetTable.RESOURCE);

    static JsonNode json() throws IOException {
        try (InputStream in = OffsetTableTest.class.getResourceAsStream("offsets.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    /** The versions of the JSON tree as path=value; groups by name, arrays by index, no nulls. */
    static Map<String, String> flatten(JsonNode versions) {
        Map<String, String> out = new TreeMap<>();
        flatten(versions, "versions", out);
        return out;
    }

    private static void flatten(JsonNode n, String path, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(e.getValue(), path + "/" + e.getKey(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(n.get(i), path + "/" + i, out);
            }
        } else if (!n.isNull()) {
            out.put(path, n.asText());
        }
    }

    /** The properties file for a flattened table: sorted lines, escaped by the JDK, no date. */
    static String render(Map<String, String> table) throws IOException {
        Properties p = new Properties();
        p.putAll(table);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.store(bytes, null);
        List<String> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.ISO_8859_1).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                lines.add(line);
            }
        }
        lines.sort(null);
        return "# Generated from offsets.json by OffsetTableTest: edit offsets.json (test resources), then run\n"
                + "# mvn -pl sampler test -Dtest=OffsetTableTest -Daustin.regenerate=true\n"
                + String.join("\n", lines) + "\n";
    }

    @Test
    void theShippedTableIsOffsetsJsonFlattened() throws IOException {
        Map<String, String> expected = flatten(json().path("versions"));
        Properties shipped = new Properties();
        try (InputStream in = OffsetTable.class.getResourceAsStream(OffsetTable.RESOURCE)) {
            if (in != null) {
                shipped.load(in);
            }
        }
        Map<String, String> actual = new TreeMap<>();
        for (String key : shipped.stringPropertyNames()) {
            actual.put(key, shipped.getProperty(key));
        }
        if (!expected.equals(actual) && Boolean.getBoolean("austin.regenerate")) {
            Files.write(SHIPPED, render(expected).getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        assertEquals(expected, actual, "offsets.properties is out of date: regenerate it (see this test's doc)");
        assertTrue(actual.size() > 500, actual.size() + " values");
    }

    @Test
    void theTableReadsAsTheJsonTreeDoes() throws IOException {
        JsonNode versions = json().path("versions");
        OffsetTable.Node root = OffsetTable.load().root().path("versions");
        List<String> names = new ArrayList<>();
        versions.fieldNames().forEachRemaining(names::add);
        assertEquals(names, root.fieldNames(), "versions in order, 3.8 before 3.10");
        for (String v : names) {
            compare(versions.path(v), root.path(v), v);
        }
        assertNull(root.get("2.7"));
        assertFalse(root.path("2.7").isNumber());
        assertEquals(-1, root.path("3.13").path("nothing").asInt(-1));
        assertEquals("", root.path("3.13").path("nothing").asText());
    }

    private static void compare(JsonNode json, OffsetTable.Node node, String where) {
        if (json.isObject() || json.isArray()) {
            List<String> names = new ArrayList<>();
            if (json.isObject()) {
                json.fieldNames().forEachRemaining(names::add);
            } else {
                for (int i = 0; i < json.size(); i++) {
                    names.add(Integer.toString(i));
                }
            }
            // Nulls and empty groups have no line in the flat file: they read as missing, which every reader of the
            // table treats as the JSON's null or empty.
            names.removeIf(n -> {
                JsonNode c = json.isObject() ? json.get(n) : json.get(Integer.parseInt(n));
                return c.isNull() || c.isContainerNode() && c.isEmpty();
            });
            List<String> expected = new ArrayList<>(names);
            expected.sort(null);
            List<String> actual = new ArrayList<>(node.fieldNames());
            actual.sort(null);
            if (!expected.isEmpty()) {
                assertEquals(expected, actual, where);
            }
            for (String n : names) {
                assertTrue(json.isArray() || node.has(n), where + "/" + n);
                compare(json.isObject() ? json.get(n) : json.get(Integer.parseInt(n)), node.path(n), where + "/" + n);
            }
        } else if (!json.isNull()) {
            assertEquals(json.asText(), node.asText(), where);
            if (json.isIntegralNumber()) {
                assertEquals(json.asLong(), node.asLong(Long.MIN_VALUE), where);
                assertTrue(node.isNumber(), where);
            }
        }
    }
}
