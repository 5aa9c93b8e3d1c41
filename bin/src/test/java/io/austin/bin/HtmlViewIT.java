package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * austin2html's pages opened in a real browser: Debian's headless Chromium, driven by playwright-core (the pinned
 * package of {@code src/test/viewers}, as {@link ViewersIT} installs it) through {@code html-probe.mjs}, which
 * serves each page from 127.0.0.1, drives its controls as a user does and reports what the page shows through the
 * page's own hook ({@code window.austin}: the boxes drawn, the state of the controls).
 *
 * <p>Inputs: the fixtures of every mode (MOJO v3, v4 and text), a profile that {@code austin -b -i 1ms} records
 * here of {@code examples/python/fib.py}, and two diff pages (a synthetic pair, and the recording against itself).
 * What a page must show is computed here from the input's collapsed text, read by {@link TextProfile},
 * independently of the converters: totals per metric and per thread, the frames, the share of each search.
 *
 * <p>Skips like {@link ViewersIT} without chromium, node or npm, and fails then with {@code AUSTIN_VIEWERS=required}.
 * Artifacts: the pages and the probe's report in {@code target/html}, screenshots {@code target/html/*.png}.
 */
class HtmlViewIT {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EPSILON = 1e-9;

    /** One page to open: how it was made and the collapsed text it must show. */
    private record Input(String label, Path file, Path text) {
    }

    private static Path bin() {
        return Paths.get("").toAbsolutePath();
    }

    private static Path work() {
        return bin().resolve("target/html");
    }

    private static List<Input> fixtures() {
        return List.of(
                fixture("edge_wall", "synthetic/edge_wall.v3.mojo", "synthetic/edge_wall.v3.austin"),
                fixture("two_threads_full", "v3/two_threads.full.py311.mojo", "v3/two_threads.full.py311.austin"),
                fixture("mem_alloc_memory", "v3/mem_alloc.memory.py311.mojo", "v3/mem_alloc.memory.py311.austin"),
                fixture("cpu_recursion_text", "text/cpu_recursion.wall.py311.txt", "text/cpu_recursion.wall.py311.txt"),
                fixture("repeat_v4", "v4/repeat.mojo", "v4/repeat.austin"));
    }

    private static Input fixture(String label, String file, String text) {
        return new Input(label, Fixtures.root().resolve(file), Fixtures.root().resolve(text));
    }

    /** fib.py recorded as MOJO by austin (2 s, two threads), and its text by mojo2austin. */
    private static Input record() throws IOException {
        Path python = Pythons.any().path();
        Path script = Fixtures.root().getParent().resolve("examples/python/fib.py");
        Path dir = Files.createDirectories(work().resolve("recorded"));
        Path mojo = dir.resolve("fib.mojo");
        Path text = dir.resolve("fib.austin");
        ToolRun r = ToolRun.of("austin", "-b", "-i", "1ms", "-o", mojo.toString(), python.toString(), "-S",
                script.toString());
        assertEquals(0, r.status(), r.err());
        convert("mojo2austin", mojo, text);
        return new Input("fib_recorded", mojo, text);
    }

    @TestFactory
    Stream<DynamicTest> pagesInChromium() throws Exception {
        ViewersIT.require(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium)");
        Path node = ViewersIT.tool("node", "nodejs");
        Path project = ViewersIT.npmProject(ViewersIT.tool("npm", "npm"));
        Path pages = ViewersIT.emptyDirectory(work().resolve("pages"));
        Path shots = work();

        List<DynamicTest> tests = new ArrayList<>();
        List<Input> inputs = new ArrayList<>(fixtures());
        Input recorded = null;
        try {
            recorded = record();
            inputs.add(recorded);
        } catch (TestAbortedException e) {
            tests.add(DynamicTest.dynamicTest("fib_recorded", () -> {
                throw e;
            }));
        }

        ObjectNode spec = JSON.createObjectNode();
        spec.put("chromium", CHROMIUM.toString());
        spec.put("root", pages.toString());
        spec.put("out", work().resolve("probe-result.json").toString());
        ArrayNode list = spec.putArray("pages");
        Map<String, TextProfile> texts = new HashMap<>();
        for (Input in : inputs) {
            convert("austin2html", in.file(), pages.resolve(in.label() + ".html"));
            TextProfile text = TextProfile.parse(Files.readString(in.text()));
            texts.put(in.label(), text);
            ObjectNode page = list.addObject().put("file", in.label() + ".html").put("interact", true)
                    .put("screenshot", shots.resolve(in.label() + ".png").toString())
                    .put("zoomScreenshot", shots.resolve(in.label() + "-zoom.png").toString())
                    .put("searchScreenshot", shots.resolve(in.label() + "-search.png").toString())
                    .put("icicleScreenshot", shots.resolve(in.label() + "-icicle.png").toString());
            List<String> names = hottestNames(text, 2);
            ArrayNode search = page.putArray("search");
            names.forEach(n -> search.add(n.substring(0, Math.max(1, n.length() - 1)).toUpperCase(Locale.ROOT)));
            search.add("no such function, surely");
            if (!names.isEmpty()) {
                page.putArray("regex").add("^(" + String.join("|", names.stream().map(HtmlViewIT::quote).toList())
                        + ")$");
            }
        }

        // A synthetic diff: f went from 800 of 1100 to 200 of 1000 (colder), g from 200 to 800 (hotter), h is gone.
        Path base = Files.writeString(work().resolve("diff-base.austin"), "# mode: wall\n\n"
                + "P1;T0:1;m.py:main:1;m.py:f:2 800\nP1;T0:1;m.py:main:1;m.py:g:3 200\n"
                + "P1;T0:2;m.py:main:1;m.py:h:4 100\n");
        Path next = Files.writeString(work().resolve("diff-new.austin"), "# mode: wall\n\n"
                + "P2;T0:5;m.py:main:1;m.py:f:2 200\nP2;T0:5;m.py:main:1;m.py:g:3 800\n");
        convert("austin2html", "--diff", base, next, pages.resolve("diff_synthetic.html"));
        list.addObject().put("file", "diff_synthetic.html").put("interact", true)
                .put("screenshot", shots.resolve("diff_synthetic.png").toString());
        if (recorded != null) {
            convert("austin2html", "--diff", recorded.file(), recorded.file(), pages.resolve("diff_same.html"));
            list.addObject().put("file", "diff_same.html").put("interact", false)
                    .put("screenshot", shots.resolve("diff_same.png").toString());
        }
        Path specFile = work().resolve("probe-spec.json");
        JSON.writeValue(specFile.toFile(), spec);

        ViewersIT.Run probe = ViewersIT.run(List.of(node.toString(), project.resolve("html-probe.mjs").toString(),
                specFile.toString()), project, Map.of(), 600);
        assertEquals(0, probe.status(), "html-probe.mjs failed:\n" + probe.output());
        Map<String, JsonNode> seen = new HashMap<>();
        for (JsonNode p : JSON.readTree(work().resolve("probe-result.json").toFile()).get("pages")) {
            seen.put(p.get("file").asText(), p);
            System.out.printf("HtmlViewIT: %s: %d bytes, first render %.0f ms, painted %.0f ms, %d boxes%n",
                    p.get("file").asText(), Files.size(pages.resolve(p.get("file").asText())),
                    p.path("firstRenderMs").asDouble(), p.path("paintedMs").asDouble(), p.path("boxes").size());
        }
        for (Input in : inputs) {
            tests.add(DynamicTest.dynamicTest(in.label(), () -> checkFlame(in, texts.get(in.label()),
                    seen.get(in.label() + ".html"))));
        }
        tests.add(DynamicTest.dynamicTest("diff_synthetic", () -> checkSyntheticDiff(seen.get("diff_synthetic.html"))));
        if (recorded != null) {
            tests.add(DynamicTest.dynamicTest("diff_same", () -> checkSameDiff(seen.get("diff_same.html"))));
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------------------------------------------------
    // expectations, from the text

    /** The metric values of a text line in the page's metrics of its mode (as ViewersIT's pprof check). */
    private static long[] values(TextProfile text, TextProfile.Line line) {
        long[] m = line.metrics();
        return switch (text.header.get("mode")) {
            case "wall", "cpu" -> new long[] {m[0]};
            case "memory" -> new long[] {Math.max(m[0], 0), Math.max(-m[0], 0)};
            case "full" -> new long[] {m[1] == 0 ? m[0] : 0, m[0], Math.max(m[2], 0), Math.max(-m[2], 0)};
            default -> throw new IllegalArgumentException("mode " + text.header.get("mode"));
        };
    }

    private static long total(TextProfile text, int metric, Predicate<TextProfile.Line> lines) {
        return text.lines.stream().filter(lines).mapToLong(l -> values(text, l)[metric]).sum();
    }

    /** A frame's function name ({@code file:name:line}), or the marker itself. */
    private static String name(String frame) {
        if (frame.equals(":GC:") || frame.equals(":INVALID:")) {
            return frame;
        }
        int last = frame.lastIndexOf(':');
        return frame.substring(frame.lastIndexOf(':', last - 1) + 1, last);
    }

    /** The names of the call tree's nodes (all threads merged) whose value of metric 0 is at least {@code share}. */
    private static Set<String> namesAbove(TextProfile text, double share) {
        Map<List<String>, Long> nodes = new HashMap<>();
        for (TextProfile.Line l : text.lines) {
            long v = values(text, l)[0];
            for (int i = 1; i <= l.frames().size(); i++) {
                nodes.merge(l.frames().subList(0, i), v, Long::sum);
            }
        }
        long total = total(text, 0, l -> true);
        Set<String> out = new TreeSet<>();
        nodes.forEach((path, v) -> {
            if (total > 0 && (double) v / total >= share) {
                out.add(name(path.get(path.size() - 1)));
            }
        });
        return out;
    }

    /** The {@code n} functions (not markers) with the largest inclusive value of metric 0. */
    private static List<String> hottestNames(TextProfile text, int n) {
        Map<String, Long> by = new LinkedHashMap<>();
        for (TextProfile.Line l : text.lines) {
            long v = values(text, l)[0];
            new HashSet<>(l.frames().stream().map(HtmlViewIT::name).toList()).forEach(f -> {
                if (!f.startsWith(":")) {
                    by.merge(f, v, Long::sum);
                }
            });
        }
        return by.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n).map(Map.Entry::getKey)
                .toList();
    }

    /** The share of metric 0 of the samples that have a frame whose name {@code matches}. */
    private static double matchedShare(TextProfile text, Predicate<String> matches) {
        long total = total(text, 0, l -> true);
        long matched = total(text, 0, l -> l.frames().stream().map(HtmlViewIT::name)
                .anyMatch(f -> !f.startsWith(":") && matches.test(f)));
        return total == 0 ? 0 : (double) matched / total;
    }

    // ---------------------------------------------------------------------------------------------------------
    // judging

    private static void noErrorsNoRequests(JsonNode page) {
        assertTrue(page != null, "the probe reported on the page");
        assertEquals("[]", page.get("errors").toString(), "errors in the page");
        assertEquals("[]", page.get("requests").toString(), "requests besides the page itself");
        assertEquals(1, page.get("served").size(), "the server served the page and nothing else: "
                + page.get("served"));
        assertTrue(page.get("firstRenderMs").asDouble() < 10_000, "first render in " + page.get("firstRenderMs"));
    }

    private static void checkFlame(Input in, TextProfile text, JsonNode page) {
        noErrorsNoRequests(page);
        assertEquals(in.file().getFileName().toString(), page.get("title").asText());
        JsonNode state = page.get("state");
        double width = state.get("width").asDouble();
        double pruned = state.get("pruned").asDouble();
        assertTrue(pruned >= 0 && pruned < 0.05, "pruned share " + pruned);

        // The totals of every metric, and of the samples.
        assertEquals(text.lines.size(), state.get("samples").asLong(), "samples");
        JsonNode metrics = page.get("metrics");
        for (int m = 0; m < metrics.size(); m++) {
            final int k = m;
            assertEquals(total(text, k, l -> true), metrics.get(m).get("state").get("total").asLong(),
                    "total of " + metrics.get(m).get("metric").asText());
        }

        // Every frame of at least 1 % of the total is drawn, with its name in the DOM; every box is a frame of the
        // input (or the root, or a pruned box).
        Set<String> drawn = new TreeSet<>();
        page.get("boxes").forEach(b -> drawn.add(b.get("name").asText()));
        Set<String> domText = new HashSet<>();
        page.get("text").forEach(t -> domText.add(t.asText()));
        Set<String> inputNames = new TreeSet<>();
        text.lines.forEach(l -> l.frames().forEach(f -> inputNames.add(name(f))));
        for (String expected : namesAbove(text, 0.01)) {
            assertTrue(drawn.contains(expected), expected + " is drawn: " + drawn);
            assertTrue(domText.contains(expected), expected + " is in the page's text");
        }
        for (String d : drawn) {
            assertTrue(inputNames.contains(d) || d.equals("all") || d.equals("pruned"), d + " is a frame of the input");
        }
        JsonNode root = page.get("boxes").get(0);
        assertEquals(0, root.get("depth").asInt());
        assertEquals(width, root.get("w").asDouble(), 0.01, "the root spans the chart");
        if (in.label().equals("fib_recorded")) {
            for (String f : List.of("fib", "main", "napper", "<module>")) {
                assertTrue(drawn.contains(f), f + " is drawn: " + drawn);
            }
        }

        // Search: the matched share is the input's (less what pruning folded), the highlighted boxes match.
        for (JsonNode s : page.get("searches")) {
            String q = s.get("query").asText();
            boolean regex = s.get("regex").asBoolean();
            Pattern re = Pattern.compile(q, Pattern.CASE_INSENSITIVE);
            Predicate<String> matches = regex ? f -> re.matcher(f).find()
                    : f -> f.toLowerCase(Locale.ROOT).contains(q.toLowerCase(Locale.ROOT));
            double expected = matchedShare(text, matches);
            double got = s.get("state").get("matchedShare").asDouble();
            assertTrue(got <= expected + EPSILON && got >= expected - pruned - EPSILON,
                    "matched share of '" + q + "': " + got + ", expected " + expected + " (pruned " + pruned + ")");
            String label = s.get("label").asText();
            assertTrue(label.startsWith(String.format(Locale.ROOT, "Matched: %.2f%%", 100 * got)), label);
            s.get("highlighted").forEach(h -> assertTrue(matches.test(h.asText()), h + " matches " + q));
            if (expected > 0.01) {
                assertTrue(s.get("highlighted").size() > 0, "boxes highlighted for " + q);
            }
        }

        // A click zooms: the box then spans the chart, its callers stay above it; Back and Reset zoom out.
        JsonNode zoom = page.get("zoom");
        if (zoom != null) {
            JsonNode target = zoom.get("target");
            assertEquals(target.get("name").asText(), zoom.get("state").get("zoom").asText());
            int depth = target.get("depth").asInt();
            boolean spans = false;
            for (JsonNode b : zoom.get("boxes")) {
                if (!b.get("ancestor").asBoolean() && b.get("depth").asInt() == depth) {
                    assertEquals(target.get("name").asText(), b.get("name").asText());
                    assertEquals(0, b.get("x").asDouble(), 0.01);
                    assertEquals(width, b.get("w").asDouble(), 0.01, "the zoomed box spans the chart");
                    spans = true;
                }
            }
            assertTrue(spans, "the zoomed box is drawn");
            assertTrue(zoom.get("boxes").get(0).get("ancestor").asBoolean(), "callers stay");
            assertEquals("all", page.get("back").get("zoom").asText());
            assertEquals("all", page.get("reset").get("zoom").asText());
            String tip = page.get("hover").get("tip").asText();
            assertTrue(page.get("hover").get("tipVisible").asBoolean());
            assertTrue(tip.startsWith(page.get("hover").get("name").asText() + "\n") && tip.contains("total ")
                    && tip.contains("own ") && tip.contains("samples") && tip.contains("%"), tip);
            assertTrue(Pattern.compile("\n.+:\\d+\n").matcher(tip).find(), "file:line in " + tip);
        }
        JsonNode flip = page.get("flip");
        assertTrue(flip.get("icicle").asBoolean());
        assertEquals(0, flip.get("after").asDouble(), "the icicle's root is at the top");
        assertNotEquals(flip.get("before").asDouble(), flip.get("after").asDouble(), "the flame's root is not");

        // Every selection: its total is its samples'.
        Set<Long> totals = new HashSet<>();
        for (JsonNode s : page.get("selections")) {
            String key = s.get("key").asText();
            String label = s.get("label").asText().strip();
            long got = s.get("state").get("total").asLong();
            totals.add(got);
            long expected;
            if (key.equals("all")) {
                expected = total(text, 0, l -> true);
            } else if (key.startsWith("p")) {
                long pid = Long.parseLong(key.substring(1));
                expected = total(text, 0, l -> l.pid() == pid);
            } else {
                var m = Pattern.compile("Process (\\d+) \u00b7 Thread (\\S+)").matcher(label);
                assertTrue(m.matches(), label);
                expected = total(text, 0, l -> l.pid() == Long.parseLong(m.group(1)) && l.thread().equals(m.group(2)));
            }
            assertEquals(expected, got, "total of " + label);
        }
        long threads = text.lines.stream().map(l -> l.pid() + "/" + l.thread()).distinct().count();
        assertEquals(threads > 1 ? 1 + threads + (text.lines.stream().map(TextProfile.Line::pid).distinct().count() > 1
                ? text.lines.stream().map(TextProfile.Line::pid).distinct().count() : 0) : 1,
                page.get("selections").size(), "selections: all, each process when several, each thread");
        if (threads > 1) {
            assertTrue(totals.size() > 1, "selecting a thread changes the total: " + totals);
        }
    }

    private static JsonNode box(JsonNode page, String name) {
        for (JsonNode b : page.get("boxes")) {
            if (b.get("name").asText().equals(name)) {
                return b;
            }
        }
        throw new AssertionError("no box " + name);
    }

    private static void checkSyntheticDiff(JsonNode page) {
        noErrorsNoRequests(page);
        assertTrue(page.get("state").get("diff").asBoolean());
        assertEquals(1000, page.get("state").get("total").asLong(), "the new profile's total");
        JsonNode f = box(page, "f");
        JsonNode g = box(page, "g");
        assertEquals(0.2 - 800.0 / 1100, f.get("change").asDouble(), EPSILON);
        assertEquals(0.8 - 200.0 / 1100, g.get("change").asDouble(), EPSILON);
        assertEquals(800, f.get("base").asLong());
        assertTrue(f.get("colour").asText().startsWith("hsl(215,"), "colder is blue: " + f);
        assertTrue(g.get("colour").asText().startsWith("hsl(0,"), "hotter is red: " + g);
        assertEquals("hsl(0,85%,52.0%)", g.get("colour").asText(), "the largest change is the darkest");
        assertEquals(0, box(page, "main").get("change").asDouble(), EPSILON);
        assertFalse(page.get("boxes").toString().contains("\"name\":\"h\""), "h has no width in the new profile");
        assertEquals("[[\"h\",\"m.py:4\",\"main\",\"9.09%\"]]", page.get("onlyBase").toString());
        String tip = page.get("hover").get("tip").asText();
        assertTrue(tip.contains("new:  total") && tip.contains("base: total") && tip.contains("change: "), tip);
    }

    private static void checkSameDiff(JsonNode page) {
        noErrorsNoRequests(page);
        assertTrue(page.get("boxes").size() > 3);
        for (JsonNode b : page.get("boxes")) {
            assertEquals(0, b.get("change").asDouble(), EPSILON, "no change against itself: " + b);
            assertEquals(b.get("value").asLong(), b.get("base").asLong());
        }
        assertEquals("[]", page.get("onlyBase").toString());
    }

    /** {@code s} as a regular expression that JavaScript and Java read alike: every other character escaped. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c) && c != '_' && c < 128) {
                b.append('\\');
            }
            b.appendCodePoint(c);
        });
        return b.toString();
    }

    /** Runs a converter in this JVM, as its launcher would in a new one. */
    private static void convert(String tool, Object... args) {
        String[] a = Stream.of(args).map(Object::toString).toArray(String[]::new);
        ToolRun r = ToolRun.of(tool, a);
        assertEquals(0, r.status(), tool + " " + String.join(" ", a) + ": " + r.err());
    }
}
