package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.ProfileEvent;
import io.austin.formats.Sample;
import io.austin.formats.StackEvents;
import io.austin.sampler.Pythons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/austin-top} in a real pseudo-terminal: a tmux pane of 80x24 running a shell, keys sent with
 * {@code send-keys}, the screen read back with {@code capture-pane}, against a real Python target
 * ({@code testdata/targets/top_target.py}). Needs tmux (CI
 * installs it; a machine without it skips, or fails with {@code AUSTIN_PYTHONS=required}).
 */
class TopIT {
    /** A table row: own %, total %, own and total values (a number and a unit), the function, file:line. */
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\d+\\.\\d\\d)\\s+(\\d+\\.\\d\\d)\\s+(\\d+(?:\\.\\d+)? \\S+)\\s+(\\d+(?:\\.\\d+)? \\S+)\\s+(\\S+)\\s+(\\S+)$");
    private static final Pattern RATE = Pattern.compile("^([\\d,]+) samples/s  invalid (\\d+\\.\\d\\d) %");
    private static final Pattern CLOCK = Pattern.compile("running (\\d+:\\d\\d:\\d\\d)$");

    @TempDir
    Path tmp;
    private Path socket;

    private static Path bin() {
        return Paths.get("").toAbsolutePath(); // failsafe runs in the module directory
    }

    static void requireTmux() throws Exception {
        boolean present;
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (present) {
            return;
        }
        String message = "tmux is not installed (apt-get install tmux): austin-top's terminal test";
        if (Pythons.REQUIRED) {
            fail(message + " cannot run and AUSTIN_PYTHONS=required");
        }
        System.err.println("WARNING: " + message + " is SKIPPED");
        assumeTrue(false, message);
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear(); // the pane's shell sees only this: no rc file, a fixed prompt, UTF-8, our JVM
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", tmp.toString());
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TERM", "screen");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tmux " + args[0]);
        assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + out);
        return out;
    }

    private List<String> screen() throws Exception {
        return List.of(tmux("capture-pane", "-p", "-t", "top").split("\n", -1));
    }

    private List<String> waitFor(String what, Predicate<List<String>> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> s = screen();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                fail("the screen never showed " + what + ":\n" + String.join("\n", s));
            }
            Thread.sleep(100);
            s = screen();
        }
        return s;
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "top"));
        args.addAll(List.of(keys));
        tmux(args.toArray(new String[0]));
    }

    private void type(String text) throws Exception {
        tmux("send-keys", "-t", "top", "-l", text);
    }

    private record Row(double self, double total, String function) {
    }

    private static List<Row> rows(List<String> screen) {
        List<Row> rows = new ArrayList<>();
        for (String line : screen) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new Row(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), m.group(5)));
            }
        }
        return rows;
    }

    private static List<String> names(List<String> screen) {
        return rows(screen).stream().map(Row::function).collect(Collectors.toList());
    }

    private static String title(List<String> screen) {
        return screen.get(0);
    }

    @AfterEach
    void killServer() throws Exception {
        if (socket != null && Files.exists(socket)) {
            new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void liveTopInARealTerminal() throws Exception {
        requireTmux();
        Path jar = bin().resolve("target/austin.jar");
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
        Pythons.Python py = Pythons.any();
        socket = tmp.resolve("tmux.sock");
        Path mojo = tmp.resolve("out.mojo");
        Path stty = tmp.resolve("stty.txt");
        long started = System.nanoTime();
        tmux("-f", "/dev/null", "new-session", "-d", "-s", "top", "-x", "80", "-y", "24", "-c", tmp.toString(), "sh");
        tmux("set-option", "-g", "default-terminal", "screen");
        type(bin().resolve("austin-top") + " -s --window 3 -o " + mojo + " " + py.path() + " "
                + Pythons.target("top_target.py") + " 40; echo EXIT=$?; stty -a > " + stty);
        keys("Enter");

        // The hot function on top, a sane rate, nothing invalid; the table fills the 80x24 screen.
        List<String> s = waitFor("hot_spin on top for two seconds",
                sc -> rows(sc).size() >= 5 && CLOCK.matcher(sc.get(1)).find()
                        && CLOCK.matcher(sc.get(1)).results().anyMatch(r -> r.group(1).compareTo("0:00:02") >= 0));
        assertEquals(24, s.size() - 1, "24 lines and the final newline: " + s);
        assertEquals("hot_spin", rows(s).get(0).function(), String.join("\n", s));
        assertTrue(rows(s).get(0).self() > 40, "hot_spin's share " + rows(s).get(0));
        assertTrue(names(s).containsAll(List.of("warm_spin", "main", "<module>", "spin_until", "side_work")),
                names(s).toString());
        assertTrue(title(s).contains("CPU time") && title(s).contains("last 3 s") && title(s).contains("sort: own"),
                title(s));
        Matcher rate = RATE.matcher(s.get(1));
        assertTrue(rate.find(), s.get(1));
        double perSecond = Double.parseDouble(rate.group(1).replace(",", ""));
        assertTrue(perSecond >= 200 && perSecond <= 5_000, "one running thread at 1 ms: " + s.get(1));
        assertTrue(Double.parseDouble(rate.group(2)) < 5, s.get(1));
        assertEquals(80, s.get(1).length(), "the status line spans the screen: " + s.get(1));
        assertTrue(s.get(23).startsWith("q quit"), s.get(23));

        // Sort: total puts the callers on top, name sorts alphabetically, then back to own.
        keys("s");
        s = waitFor("sort: total", sc -> title(sc).contains("sort: total") && rows(sc).size() >= 5);
        assertTrue(List.of("<module>", "main").contains(rows(s).get(0).function()), String.join("\n", s));
        assertTrue(rows(s).get(0).total() > rows(s).get(0).self(), rows(s).get(0).toString());
        keys("s");
        s = waitFor("sort: name", sc -> title(sc).contains("sort: name") && rows(sc).size() >= 5);
        List<String> byName = names(s);
        assertEquals(byName.stream().sorted().collect(Collectors.toList()), byName);
        keys("s");
        waitFor("sort: own", sc -> title(sc).contains("sort: own"));

        // Search: only warm_spin is left; Enter shows its one call path, Esc comes back.
        keys("/");
        type("warm");
        keys("Enter");
        s = waitFor("the filter", sc -> title(sc).contains("/warm") && names(sc).equals(List.of("warm_spin")));
        keys("Enter");
        s = waitFor("the callers of warm_spin", sc -> sc.get(2).startsWith("callers of warm_spin"));
        assertTrue(s.stream().anyMatch(l -> l.matches("^\\s*100\\.00\\s+\\S+ \\S+\\s+<module> > main > warm_spin$")),
                String.join("\n", s));
        keys("Escape");
        waitFor("the table again", sc -> sc.get(2).contains("OWN %") && names(sc).equals(List.of("warm_spin")));
        keys("Escape");
        waitFor("no filter", sc -> !title(sc).contains("/warm") && rows(sc).size() >= 5);

        // Scopes: the process, then each thread: one is main's, the other the side thread's.
        keys("t");
        s = waitFor("the process scope", sc -> title(sc).contains("process "));
        assertEquals("hot_spin", rows(s).get(0).function());
        List<List<String>> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            keys("t");
            String before = title(s);
            s = waitFor("a thread scope", sc -> title(sc).contains("thread ") && !title(sc).equals(before)
                    && !rows(sc).isEmpty());
            threads.add(names(s));
        }
        List<String> main = threads.get(0).contains("hot_spin") ? threads.get(0) : threads.get(1);
        List<String> side = threads.get(0).contains("hot_spin") ? threads.get(1) : threads.get(0);
        assertEquals("hot_spin", main.get(0), threads.toString());
        assertFalse(main.contains("side_work"), threads.toString());
        assertTrue(List.of("spin_until", "side_work").contains(side.get(0)), threads.toString());
        assertTrue(side.containsAll(List.of("spin_until", "side_work")), threads.toString());
        assertFalse(side.contains("hot_spin"), threads.toString());
        keys("t");
        waitFor("all threads again", sc -> title(sc).contains("all threads") && rows(sc).size() >= 5);

        // Pause: the table keeps its numbers while the status line goes on; p again brings the live window back.
        keys("p");
        s = waitFor("PAUSED", sc -> title(sc).contains("PAUSED"));
        List<String> frozen = tableLines(s);
        String clock = clock(s);
        Thread.sleep(2_200);
        s = screen();
        assertEquals(frozen, tableLines(s), "paused");
        assertNotEquals(clock, clock(s), "the status line still runs: " + s.get(1));
        keys("p");
        waitFor("live numbers", sc -> !title(sc).contains("PAUSED") && !tableLines(sc).equals(frozen));

        // A resize redraws at the new size.
        tmux("resize-window", "-t", "top", "-x", "100", "-y", "30");
        s = waitFor("100x30", sc -> sc.size() - 1 == 30 && sc.get(1).length() == 100 && sc.get(29).startsWith("q quit"));
        assertTrue(rows(s).size() >= 5, String.join("\n", s));

        // q: exit status 0, the shell's screen back, the terminal cooked again, the MOJO file complete.
        keys("q");
        s = waitFor("the shell", sc -> sc.stream().anyMatch(l -> l.startsWith("EXIT=")));
        assertTrue(s.contains("EXIT=0"), String.join("\n", s));
        assertTrue(s.stream().noneMatch(l -> l.contains("OWN %")), "the alternate screen was left: " + s);
        assertTrue(s.stream().anyMatch(l -> l.contains("echo EXIT=")), "the shell's screen, as it was: " + s);
        waitFor("stty's report", sc -> stty.toFile().length() > 0);
        Thread.sleep(200);
        String modes = Files.readString(stty);
        assertTrue(Pattern.compile("(^|\\s)icanon(\\s|$)").matcher(modes).find(), modes);
        assertTrue(Pattern.compile("(^|\\s)echo(\\s|$)").matcher(modes).find(), modes);
        List<ProfileEvent> events = StackEvents.profile(mojo).collectList().block();
        long samples = events.stream().filter(e -> e instanceof Sample).count();
        assertTrue(samples > 1_000, samples + " samples");
        assertTrue(events.stream().anyMatch(e -> e instanceof Sample smp && smp.frames().stream()
                .map(FrameRef::frame).anyMatch(f -> f.scope().equals("hot_spin"))));
        assertTrue(events.get(events.size() - 1) instanceof Metadata, "the footer ends the file");
        assertTrue(events.stream().anyMatch(e -> e instanceof Metadata m && m.key().equals("duration")));

        // A target that ends: the view stays with a notice until q.
        type("clear; " + bin().resolve("austin-top") + " " + py.path() + " " + Pythons.target("top_target.py")
                + " 1; echo EXIT=$?");
        keys("Enter");
        s = waitFor("the end notice", sc -> sc.get(1).endsWith("ended: exit 0, q quits"));
        Thread.sleep(1_200);
        assertTrue(screen().get(1).endsWith("ended: exit 0, q quits"), "the view stays");
        keys("q");
        s = waitFor("the shell", sc -> sc.stream().anyMatch(l -> l.startsWith("EXIT=")));
        assertTrue(s.contains("EXIT=0"), String.join("\n", s));
        System.err.printf("TopIT: %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static List<String> tableLines(List<String> screen) {
        return screen.stream().filter(l -> ROW.matcher(l).matches()).collect(Collectors.toList());
    }

    private static String clock(List<String> screen) {
        Matcher m = CLOCK.matcher(screen.get(1));
        return m.find() ? m.group(1) : screen.get(1);
    }

    @Test
    void austinNeverLoadsJLine() throws Exception {
        Path jar = bin().resolve("target/austin.jar");
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built by 'package'");
        Pythons.Python py = Pythons.any();
        for (List<String> args : List.of(List.of("-V"), List.of("-i", "1ms", "-o", tmp.resolve("p.austin").toString(),
                py.path().toString(), "-c", "import time; time.sleep(0.5)"))) {
            // The program lasts long enough to be found by a JVM slowed by logging every class it loads: one of a
            // few milliseconds may end first, and austin then says so with status 33, as Austin does.
            List<String> command = new ArrayList<>(List.of(bin().resolve("austin").toString()));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("AUSTIN_JAVA_OPTS", "-Xlog:class+load=info:stdout");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("io.austin.bin.Main"), "class loading is logged");
            // Our JLine's classes are org.jline.*; the JDK's console (22+) has its own internal copy,
            // jdk.internal.org.jline.*, which System.console() may load and which is not ours to keep out.
            java.util.regex.Pattern ours = java.util.regex.Pattern.compile("\\] org\\.jline\\.");
            assertFalse(out.lines().anyMatch(l -> ours.matcher(l).find()), "austin " + args + " loaded JLine: "
                    + out.lines().filter(l -> ours.matcher(l).find()).findFirst().orElse(""));
        }
    }
}
