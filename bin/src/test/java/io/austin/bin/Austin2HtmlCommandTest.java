package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** austin2html through the {@link Cli} factory with captured streams: outputs, options, failures and statuses. */
class Austin2HtmlCommandTest {
    private static final Pattern NODES = Pattern.compile("\"nodes\":(\\d+)");

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("austin2html", new Cli.Streams(new ByteArrayInputStream(stdin), out, err), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(String... args) {
        return run(new byte[0], args);
    }

    private static Path fixture(String name) {
        return Fixtures.root().resolve(name);
    }

    private static int nodes(String page) {
        Matcher m = NODES.matcher(page);
        assertTrue(m.find(), "the page counts its nodes");
        return Integer.parseInt(m.group(1));
    }

    @Test
    void rendersMojoAndTextToOneSelfContainedPage() throws IOException {
        for (String input : new String[] {"v3/two_threads.full.py311.mojo", "v4/repeat.mojo",
            "text/cpu_recursion.wall.py311.txt"}) {
            Path html = tmp.resolve("out.html");
            Result r = run(fixture(input).toString(), html.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err() + r.out());
            String page = Files.readString(html);
            assertTrue(page.startsWith("<!DOCTYPE html>"), input);
            String name = fixture(input).getFileName().toString();
            assertTrue(page.contains("<title>" + name + "</title>"), "titled after the input: " + input);
            assertTrue(page.contains("\"kind\":\"flame\""));
            assertFalse(page.contains("http://") || page.contains("https://"), "no address of any kind");
        }
    }

    @Test
    void dashIsStandardInputAndOutputAndTheTitleIsAnOption() {
        byte[] mojo = Fixtures.bytes(fixture("v3/sleeper.cpu.py311.mojo"));
        Result r = run(mojo, "-", "-");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("<title>stdin</title>") && r.out().contains("\"mode\":\"cpu\""), r.out());
        Result t = run(mojo, "--title", "a <b> run", "-", "-");
        assertTrue(t.out().contains("<title>a &lt;b&gt; run</title>"));
    }

    @Test
    void minShareAndMaxNodesBoundThePage() {
        String in = fixture("v3/two_threads.full.py311.mojo").toString();
        int all = nodes(run("--min-share", "0", in, "-").out());
        int some = nodes(run("--min-share", "5", in, "-").out());
        assertTrue(some < all, some + " < " + all);
        Result few = run("--min-share", "0", "--max-nodes", "10", in, "-");
        assertEquals(0, few.code(), few.err());
        assertTrue(nodes(few.out()) <= 10 + 10, "10 nodes and at most one pruned box each: " + nodes(few.out()));
        Result bad = run("--min-share", "100", in, "-");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().startsWith("austin2html: --min-share must be a percentage"), bad.err());
        assertEquals(ExitCodes.USAGE, run("--max-nodes", "0", in, "-").code());
    }

    @Test
    void diffComparesTwoProfilesAndNamesTheBaseInItsErrors() throws IOException {
        Path base = fixture("v3/two_threads.wall.py311.mojo");
        Path next = fixture("v3/two_threads.full.py311.austin");
        Path html = tmp.resolve("diff.html");
        Result r = run("--diff", base.toString(), next.toString(), html.toString());
        assertEquals(0, r.code(), r.err());
        String page = Files.readString(html);
        assertTrue(page.contains("\"kind\":\"diff\"") && page.contains("\"baseMode\":\"wall\""), "a diff page");
        assertTrue(page.contains("[[\"Wall time\",\"us\"]]"), "compared on the metric both have");
        // BASE from standard input.
        Result stdin = run(Fixtures.bytes(base), "--diff", "-", next.toString(), "-");
        assertEquals(0, stdin.code(), stdin.err());
        assertEquals(ExitCodes.USAGE, run("--diff", "-", "-", "-").code());

        Path missing = tmp.resolve("nope.mojo");
        Path out = tmp.resolve("never.html");
        Result m = run("--diff", missing.toString(), next.toString(), out.toString());
        assertEquals(ExitCodes.NO_INPUT, m.code());
        assertEquals("austin2html: no such input file: " + missing + "\n", m.err());
        assertFalse(Files.exists(out), "no output when BASE is missing");

        Path cut = tmp.resolve("cut.mojo");
        Files.write(cut, Arrays.copyOf(Fixtures.bytes(base), 100));
        Result c = run("--diff", cut.toString(), next.toString(), out.toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, c.code());
        assertTrue(c.err().startsWith("austin2html: corrupt input '" + cut + "': truncated MOJO"), c.err());
        assertEquals(1, c.err().lines().count(), c.err());

        Path memory = fixture("v3/mem_alloc.memory.py311.mojo");
        // A full profile has memory metrics too; a wall one has none.
        assertEquals(0, run("--diff", memory.toString(), next.toString(), out.toString()).code());
        Result x = run("--diff", memory.toString(), base.toString(), out.toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, x.code());
        assertTrue(x.err().startsWith("austin2html: cannot compare: BASE is a memory-mode profile"), x.err());
    }

    @Test
    void failuresAreOneLineAndAStatus() throws IOException {
        Result missing = run(tmp.resolve("nope.mojo").toString(), tmp.resolve("out.html").toString());
        assertEquals(ExitCodes.NO_INPUT, missing.code());
        assertEquals("austin2html: no such input file: " + tmp.resolve("nope.mojo") + "\n", missing.err());
        Path empty = Files.createFile(tmp.resolve("empty.mojo"));
        Result e = run(empty.toString(), tmp.resolve("out.html").toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, e.code());
        assertEquals("austin2html: empty input: '" + empty + "' has no data (neither MOJO nor Austin text)\n",
                e.err());
        Path cut = tmp.resolve("cut.mojo");
        Files.write(cut, Arrays.copyOf(Fixtures.bytes(fixture("v3/sleeper.cpu.py311.mojo")), 100));
        Result c = run(cut.toString(), tmp.resolve("out.html").toString());
        assertEquals(ExitCodes.CORRUPT_INPUT, c.code());
        assertTrue(c.err().matches("austin2html: corrupt input '.*': truncated MOJO: .*at byte \\d+.*\n"), c.err());
        Result u = run(fixture("v3/sleeper.cpu.py311.mojo").toString(), tmp.resolve("no/dir/x.html").toString());
        assertEquals(ExitCodes.CANNOT_CREATE_OUTPUT, u.code());
        Result none = run();
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().startsWith("austin2html: Missing required parameters: 'INPUT', 'OUTPUT'"), none.err());
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: austin2html") && help.out().contains("--diff=BASE")
                && help.out().contains("--min-share=PERCENT"), help.out());
    }
}
