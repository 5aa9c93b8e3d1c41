package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.austin.converters.pprof.proto.Profile;
import io.austin.converters.pprof.proto.Sample;
import io.austin.formats.Fixtures;
import io.austin.sampler.Pythons;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * The converters' outputs opened in the viewers they are made for, for real: speedscope documents in the speedscope
 * web app (the npm package, pinned in {@code src/test/viewers/package-lock.json}) running in Debian's headless
 * Chromium, and pprof profiles in Go's {@code go tool pprof}.
 *
 * <p>The inputs are fixtures of every mode (and MOJO v3, v4 and text) plus a profile that {@code austin} records
 * here of {@code examples/python/fib.py}. Each input's collapsed text (the file itself, or the companion that
 * the reference mojo2austin wrote) is read by {@link TextProfile}, independently of the project's readers, and is
 * what the viewers must show: every frame's name in speedscope, every sample value's sum in pprof.
 *
 * <p>Needs {@code chromium}, {@code node} with {@code npm}, and {@code go} (Debian's chromium, nodejs, npm and
 * golang-go; {@code .ci/run} installs them). The npm packages are installed by the test itself, with {@code npm ci}
 * from the committed lock, into {@code target/viewers} (kept between runs of one build). A missing tool skips the
 * tests with a message, or fails them with {@code AUSTIN_VIEWERS=required} in the environment (CI sets it).
 * Artifacts: {@code target/viewers/screenshots/*.png}, one per speedscope document (Left Heavy view), and the
 * converted files in {@code target/viewers/speedscope} and {@code target/viewers/pprof}.
 */
class ViewersIT {
    private static final boolean REQUIRED = "required".equals(System.getenv("AUSTIN_VIEWERS"));
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input to convert: a MOJO or text file, and the collapsed text of the same samples. */
    private record Input(String label, Path file, Path text) {
    }

    private static Path bin() {
        return Paths.get("").toAbsolutePath(); // failsafe runs in the module directory
    }

    private static Path work() {
        return bin().resolve("target/viewers");
    }

    /** The fixtures: synthetic edge cases, each mode, MOJO v3 and v4, and a text input. */
    private static List<Input> fixtures() {
        return List.of(
                fixture("edge_wall", "synthetic/edge_wall.v3.mojo", "synthetic/edge_wall.v3.austin"),
                fixture("edge_full", "synthetic/edge_full.v3.mojo", "synthetic/edge_full.v3.austin"),
                fixture("two_threads_full", "v3/two_threads.full.py311.mojo", "v3/two_threads.full.py311.austin"),
                fixture("mem_alloc_memory", "v3/mem_alloc.memory.py311.mojo", "v3/mem_alloc.memory.py311.austin"),
                fixture("cpu_recursion_text", "text/cpu_recursion.wall.py311.txt", "text/cpu_recursion.wall.py311.txt"),
                fixture("repeat_v4", "v4/repeat.mojo", "v4/repeat.austin"));
    }

    private static Input fixture(String label, String file, String text) {
        return new Input(label, Fixtures.root().resolve(file), Fixtures.root().resolve(text));
    }

    private static Input recorded;

    /**
     * A wall-time profile that austin records of examples/python/fib.py (2 s, two threads), once per run: the
     * project's whole pipeline on a real program. Skips, or fails, as {@link Pythons} does without an interpreter.
     */
    private static synchronized Input recorded() throws IOException {
        if (recorded == null) {
            Path python = Pythons.any().path();
            Path script = Fixtures.root().getParent().resolve("examples/python/fib.py");
            Path out = Files.createDirectories(work().resolve("recorded")).resolve("fib.austin");
            ToolRun r = ToolRun.of("austin", "-i", "1ms", "-o", out.toString(), python.toString(), "-S",
                    script.toString());
            assertEquals(0, r.status(), r.err());
            recorded = new Input("fib_recorded", out, out);
        }
        return recorded;
    }

    /** The fixtures and, when an interpreter is installed, the recorded profile (else a test that skips). */
    private static List<Input> inputs(List<DynamicTest> skipped) throws IOException {
        List<Input> all = new ArrayList<>(fixtures());
        try {
            all.add(recorded());
        } catch (TestAbortedException e) {
            skipped.add(DynamicTest.dynamicTest("fib_recorded", () -> {
                throw e;
            }));
        }
        return all;
    }

    // ---------------------------------------------------------------------------------------------------------
    // speedscope

    /**
     * Converts every input with austin2speedscope and opens the documents in the speedscope app in Chromium (one
     * run of src/test/viewers/speedscope-probe.mjs, which reports what the app shows); then one test per document
     * judges the report against the document and the input.
     */
    @TestFactory
    Stream<DynamicTest> speedscopeAppShowsOurDocuments() throws Exception {
        require(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium)");
        Path node = tool("node", "nodejs");
        Path project = npmProject(tool("npm", "npm"));
        Path docs = emptyDirectory(work().resolve("speedscope"));
        Path shots = Files.createDirectories(work().resolve("screenshots"));

        List<DynamicTest> tests = new ArrayList<>();
        List<Input> inputs = inputs(tests);
        ObjectNode spec = JSON.createObjectNode();
        spec.put("chromium", CHROMIUM.toString());
        spec.put("root", docs.toString());
        spec.put("out", docs.resolve("probe-result.json").toString());
        ArrayNode documents = spec.putArray("documents");
        for (Input in : inputs) {
            convert("austin2speedscope", in.file(), docs.resolve(in.label() + ".json"));
            documents.addObject().put("file", in.label() + ".json")
                    .put("screenshot", shots.resolve(in.label() + ".png").toString());
        }
        Path specFile = docs.resolve("probe-spec.json");
        JSON.writeValue(specFile.toFile(), spec);

        Run probe = run(List.of(node.toString(), project.resolve("speedscope-probe.mjs").toString(),
                specFile.toString()), project, Map.of(), 300);
        assertEquals(0, probe.status(), "speedscope-probe.mjs failed:\n" + probe.output());
        JsonNode result = JSON.readTree(docs.resolve("probe-result.json").toFile());
        Map<String, JsonNode> seen = new HashMap<>();
        for (JsonNode d : result.get("documents")) {
            seen.put(d.get("file").asText(), d);
        }
        for (Input in : inputs) {
            tests.add(DynamicTest.dynamicTest(in.label(), () -> checkSpeedscope(in,
                    JSON.readTree(docs.resolve(in.label() + ".json").toFile()), seen.get(in.label() + ".json"))));
        }
        return tests.stream();
    }

    /**
     * What speedscope showed of one document: no error; the document's name in the page title; every profile by
     * its name, in order; in each profile's Sandwich table exactly the frames (name and file) that the profile's
     * samples use; in its Left Heavy flame chart as many boxes matching each name as the merged call tree of the
     * profile's samples has; and over all profiles, the frames of the input's samples.
     */
    private static void checkSpeedscope(Input in, JsonNode doc, JsonNode shown) throws IOException {
        assertTrue(shown != null, "the probe reported on " + in.label());
        assertEquals("[]", shown.get("errors").toString(), "errors in the speedscope page");
        assertEquals(doc.get("name").asText() + " - speedscope", shown.get("title").asText());

        JsonNode frames = doc.get("shared").get("frames");
        JsonNode profiles = doc.get("profiles");
        JsonNode views = shown.get("profiles");
        assertEquals(profiles.size(), views.size(), "profiles shown");
        Set<String> allShown = new TreeSet<>();
        for (int k = 0; k < profiles.size(); k++) {
            JsonNode profile = profiles.get(k);
            JsonNode view = views.get(k);
            String name = profile.get("name").asText();
            String title = profiles.size() == 1 ? name : name + " (" + (k + 1) + "/" + profiles.size() + ")";
            assertEquals(title, view.get("title").asText(), "toolbar title of profile " + (k + 1));

            // The frames the profile's samples use, and the nodes of their merged call tree (each a path of
            // frame indices from the root), which is what the Left Heavy view draws, one box per node.
            Set<Integer> used = new TreeSet<>();
            Set<List<Integer>> nodes = new HashSet<>();
            for (JsonNode stack : profile.get("samples")) {
                List<Integer> path = new ArrayList<>();
                for (JsonNode index : stack) {
                    path.add(index.asInt());
                    used.add(index.asInt());
                    nodes.add(List.copyOf(path));
                }
            }
            Map<String, Integer> expectedRows = new TreeMap<>();
            Set<String> names = new TreeSet<>();
            for (int i : used) {
                expectedRows.merge(row(frames.get(i).get("file").asText(), frameName(frames, i)), 1, Integer::sum);
                names.add(frameName(frames, i));
            }
            Map<String, Integer> rows = new TreeMap<>();
            for (JsonNode r : view.get("rows")) {
                rows.merge(row(r.get("file").asText(), r.get("name").asText()), 1, Integer::sum);
                allShown.add(row(r.get("file").asText(), r.get("name").asText()));
            }
            assertEquals(expectedRows, rows, "Sandwich rows (file | name) of " + name);

            // speedscope's search matches a name case-insensitively as a substring.
            Map<String, Integer> expectedBoxes = new TreeMap<>();
            for (String q : names) {
                String needle = q.toLowerCase(Locale.ROOT);
                expectedBoxes.put(q, (int) nodes.stream().filter(p -> frameName(frames, p.get(p.size() - 1))
                        .toLowerCase(Locale.ROOT).contains(needle)).count());
            }
            Map<String, Integer> boxes = new TreeMap<>();
            view.get("search").properties().forEach(e -> boxes.put(e.getKey(), e.getValue().asInt()));
            assertEquals(expectedBoxes, boxes, "flame chart boxes found by the search, by name, in " + name);
        }

        // Independently of our document: the frames of the input's samples that carry a value.
        TextProfile text = TextProfile.parse(Files.readString(in.text()));
        Set<String> expected = new TreeSet<>();
        for (TextProfile.Line line : text.lines) {
            if (nonZero(values(text, line))) {
                for (String frame : line.frames()) {
                    expected.add(row(file(frame), name(frame)));
                }
            }
        }
        assertEquals(expected, allShown, "the frames shown are the input's (file | name)");
        if (in == recorded) {
            for (String f : List.of("fib", "main", "napper", "<module>")) {
                assertTrue(allShown.stream().anyMatch(r -> r.endsWith(" | " + f)), f + " is shown");
            }
        }
    }

    private static String frameName(JsonNode frames, int index) {
        return frames.get(index).get("name").asText();
    }

    private static String row(String file, String name) {
        return file + " | " + name;
    }

    // ---------------------------------------------------------------------------------------------------------
    // pprof

    /**
     * Converts every input with austin2pprof, raw (the default) and with --gzip, and reads both with
     * {@code go tool pprof -raw} (exact values; {@code -top} rounds): the two reports are the same, the sample types
     * are the mode's, each type's sum of sample values is the input's, and the functions are the input's.
     *
     * <p>pprof drops samples without a location (it keeps a sample only when one of its locations passes its
     * name filters, even with none given): austin2pprof writes frameless samples (a thread sampled outside
     * Python code), and pprof does not count them, so pprof's sums are over the input's samples that have frames;
     * the file's own sums (decoded with protobuf) are over all of them.
     */
    @TestFactory
    Stream<DynamicTest> goPprofReadsOurProfiles() throws Exception {
        Path go = tool("go", "golang-go");
        Path dir = emptyDirectory(work().resolve("pprof"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Input in : inputs(tests)) {
            tests.add(DynamicTest.dynamicTest(in.label(), () -> {
                Path raw = dir.resolve(in.label() + ".pprof");
                Path gzip = dir.resolve(in.label() + ".pprof.gz");
                convert("austin2pprof", in.file(), raw);
                convert("austin2pprof", "--gzip", in.file(), gzip);
                byte[] rawBytes = Files.readAllBytes(raw);
                byte[] gzipBytes = Files.readAllBytes(gzip);
                assertTrue(rawBytes.length > 2 && !(rawBytes[0] == 0x1f && rawBytes[1] == (byte) 0x8b),
                        "the default output is the raw message");
                assertTrue(gzipBytes[0] == 0x1f && gzipBytes[1] == (byte) 0x8b, "--gzip writes gzip");

                String report = pprofRaw(go, raw);
                assertEquals(report, pprofRaw(go, gzip), "pprof reads the gzip file as the raw one");
                RawReport r = RawReport.parse(report);

                TextProfile text = TextProfile.parse(Files.readString(in.text()));
                List<String> types = sampleTypes(text.header.get("mode"));
                long[] sums = new long[types.size()]; // over the samples with frames
                long[] all = new long[types.size()]; // over all samples
                Set<String> functions = new TreeSet<>();
                for (TextProfile.Line line : text.lines) {
                    long[] v = values(text, line);
                    for (int i = 0; i < v.length; i++) {
                        all[i] += v[i];
                        sums[i] += line.frames().isEmpty() ? 0 : v[i];
                    }
                    if (nonZero(v)) {
                        line.frames().forEach(f -> functions.add(name(f)));
                    }
                }
                assertEquals(types, r.types(), "sample types");
                assertArrayEquals(sums, r.sums(), "pprof's sums of the sample values, by type " + types);
                assertEquals(functions, r.functions(), "functions of the locations");

                // The file has the frameless samples that pprof leaves out: decoded, its sums are the whole input's.
                long[] inFile = new long[types.size()];
                for (Sample sample : Profile.parseFrom(rawBytes).getSampleList()) {
                    for (int i = 0; i < inFile.length; i++) {
                        inFile[i] += sample.getValue(i);
                    }
                }
                assertArrayEquals(all, inFile, "sums of the sample values in the file, by type " + types);
            }));
        }
        return tests.stream();
    }

    /** The sample types (type/unit, [dflt] on the default one) that pprof prints for a profile of this mode. */
    private static List<String> sampleTypes(String mode) {
        return switch (mode) {
            case "wall" -> List.of("Wall time/\u03bcs");
            case "cpu" -> List.of("CPU time/\u03bcs");
            case "memory" -> List.of("Allocated memory/B[dflt]", "Deallocated memory/B");
            case "full" -> List.of("CPU time/\u03bcs", "Wall time/\u03bcs[dflt]", "Allocated memory/B",
                    "Deallocated memory/B");
            default -> throw new IllegalArgumentException("mode " + mode);
        };
    }

    /**
     * The values of one Austin sample in the pprof sample types of its mode (docs/formats.md, README): wall or CPU
     * time; in memory mode the delta split into allocated and deallocated bytes; in full mode (time, idle flag,
     * memory delta) the CPU time (the time when not idle), the wall time and the two memory values.
     */
    private static long[] values(TextProfile text, TextProfile.Line line) {
        long[] m = line.metrics();
        return switch (text.header.get("mode")) {
            case "wall", "cpu" -> new long[] {m[0]};
            case "memory" -> new long[] {Math.max(m[0], 0), Math.max(-m[0], 0)};
            case "full" -> new long[] {m[1] == 0 ? m[0] : 0, m[0], Math.max(m[2], 0), Math.max(-m[2], 0)};
            default -> throw new IllegalArgumentException("mode " + text.header.get("mode"));
        };
    }

    private static boolean nonZero(long[] values) {
        for (long v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    private static String pprofRaw(Path go, Path profile) throws Exception {
        // -symbolize=none: the profile has its functions, nothing is to be looked up; GOTOOLCHAIN=local: a newer go
        // never tries to fetch another toolchain.
        Run r = run(List.of(go.toString(), "tool", "pprof", "-raw", "-symbolize=none", profile.toString()), work(),
                Map.of("GOTOOLCHAIN", "local", "PPROF_TMPDIR", work().toString()), 60);
        assertEquals(0, r.status(), "go tool pprof -raw " + profile.getFileName() + ":\n" + r.output());
        return r.output();
    }

    /** The parts of a {@code go tool pprof -raw} report that the test reads. */
    private record RawReport(List<String> types, long[] sums, Set<String> functions) {
        private static final Pattern TYPE = Pattern.compile("(\\S[^/]*)/(\\S+)");
        private static final Pattern SAMPLE = Pattern.compile("\\s*(-?\\d+(?:\\s+-?\\d+)*):(?:\\s.*)?");
        private static final Pattern LOCATION = Pattern.compile("\\s*\\d+: 0x\\p{XDigit}+ M=\\d+ (\\S+) .*");

        static RawReport parse(String report) {
            List<String> lines = report.lines().toList();
            int at = lines.indexOf("Samples:");
            assertTrue(at >= 0, report);
            List<String> types = new ArrayList<>();
            Matcher t = TYPE.matcher(lines.get(at + 1));
            while (t.find()) {
                types.add(t.group(1) + "/" + t.group(2));
            }
            long[] sums = new long[types.size()];
            Set<String> functions = new TreeSet<>();
            String section = "samples";
            for (String line : lines.subList(at + 2, lines.size())) {
                if (line.equals("Locations") || line.equals("Mappings")) {
                    section = line;
                    continue;
                }
                Matcher m = (section.equals("samples") ? SAMPLE : LOCATION).matcher(line);
                if (section.equals("samples") && m.matches()) {
                    String[] v = m.group(1).trim().split("\\s+");
                    assertEquals(types.size(), v.length, line);
                    for (int i = 0; i < v.length; i++) {
                        sums[i] += Long.parseLong(v[i]);
                    }
                } else if (section.equals("Locations") && m.matches()) {
                    functions.add(m.group(1));
                }
            }
            return new RawReport(types, sums, functions);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /** Frame {@code file:name:line} of Austin's text, or a marker {@code :GC:}/{@code :INVALID:}: its name. */
    private static String name(String frame) {
        if (isMarker(frame)) {
            return frame;
        }
        int last = frame.lastIndexOf(':');
        return frame.substring(frame.lastIndexOf(':', last - 1) + 1, last);
    }

    private static String file(String frame) {
        if (isMarker(frame)) {
            return "";
        }
        return frame.substring(0, frame.lastIndexOf(':', frame.lastIndexOf(':') - 1));
    }

    private static boolean isMarker(String frame) {
        return frame.equals(":GC:") || frame.equals(":INVALID:");
    }

    /** Runs a converter in this JVM, as its launcher would in a new one. */
    private static void convert(String tool, Object... args) {
        String[] a = Stream.of(args).map(Object::toString).toArray(String[]::new);
        ToolRun r = ToolRun.of(tool, a);
        assertEquals(0, r.status(), tool + " " + String.join(" ", a) + ": " + r.err());
    }

    /** Skips the test with {@code message} when {@code present} is false, or fails it when the viewers are required. */
    static void require(boolean present, String message) {
        if (present) {
            return;
        }
        if (REQUIRED) {
            fail(message + " and AUSTIN_VIEWERS=required");
        }
        System.err.println("WARNING: " + message + ": the viewer tests are SKIPPED (untested on this machine)");
        assumeTrue(false, message);
    }

    /** An executable on PATH, required as {@link #require} does; {@code pkg} is the Debian package that has it. */
    static Path tool(String name, String pkg) {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Paths.get(d, name)).filter(Files::isExecutable).findFirst();
        require(found.isPresent(), name + " is not on PATH (apt-get install " + pkg + ")");
        return found.get();
    }

    /**
     * {@code target/viewers}: a copy of src/test/viewers with its npm packages installed ({@code npm ci}, exact
     * versions of the committed lock, no install scripts). The install is done again only when the lock changed.
     */
    static synchronized Path npmProject(Path npm) throws Exception {
        Path src = bin().resolve("src/test/viewers");
        Path dir = Files.createDirectories(work());
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path stamp = dir.resolve("node_modules/.austin-lock-sha256");
        String lock = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(src.resolve("package-lock.json"))));
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(lock)) {
            return dir;
        }
        Run install = run(List.of(npm.toString(), "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                "--prefer-offline", "--loglevel=error"), dir, Map.of(), 600);
        require(install.status() == 0, "npm ci in " + dir + " failed (no npm registry?):\n" + install.output());
        Files.writeString(stamp, lock);
        return dir;
    }

    static Path emptyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            }
        }
        return Files.createDirectories(dir);
    }

    record Run(int status, String output) {
    }

    /** Runs a command in {@code dir}, standard output and error together, for at most {@code seconds}. */
    static Run run(List<String> command, Path dir, Map<String, String> env, int seconds) throws Exception {
        Path log = Files.createTempFile(work(), "run", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish in " + seconds + " s:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
