package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.austin.formats.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The release archive that 'package' made, as a user gets it: extracted into a temporary folder, installed with its
 * bin/install under another one, the tools run from there with a PATH that has nothing of the checkout, the man
 * pages read with man(1), the completion scripts run by a real bash (and zsh, when there is one), then uninstalled
 * down to an empty prefix. Also: the install from the checkout, the refusal to replace another austin, and a
 * launcher of the archive that never tries to build a missing jar.
 */
class InstallIT {
    private static final List<String> TOOLS = List.of("austin", "mojo2austin", "austin2speedscope", "austin2pprof",
            "austin2html", "austin-top");
    /** The tools with a man page and completion: those, and austin4 (whose launcher is bin/austin4/austin). */
    private static final List<String> PAGES = java.util.stream.Stream.concat(TOOLS.stream(),
            java.util.stream.Stream.of("austin4")).toList();

    @TempDir
    Path tmp;

    private Path home;

    private static Path bin() {
        return Paths.get("").toAbsolutePath(); // failsafe runs in the module directory
    }

    private static String version() {
        return System.getProperty("austin.version", "unknown");
    }

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
    }

    private record Outcome(int code, String out, String err) {
        String all() {
            return "status " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /**
     * Runs {@code command} in {@code dir} with a bare environment: PATH is {@code path} then the system folders,
     * HOME a temporary folder, JAVA_HOME the JVM running the tests (Temurin 25 in CI's second pass).
     */
    private Outcome run(Path dir, String path, Map<String, String> extra, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", (path.isEmpty() ? "" : path + ":") + "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("LANG", "C.UTF-8");
        env.put("AUSTIN_NO_LOGGING", "1");
        env.putAll(extra);
        assertFalse(env.get("PATH").contains(bin().getParent().toString()), "PATH without the checkout");
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException e) {
                // the process is gone; what was read is kept
            }
        });
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        errReader.join();
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private Outcome run(Path dir, String path, String... command) throws Exception {
        return run(dir, path, Map.of(), command);
    }

    /** Runs a shell command line with the prefix's bin first on PATH, as a user's shell would. */
    private Outcome shell(Path prefix, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        command.addAll(List.of(args));
        return run(tmp, prefix.resolve("bin").toString(), command.toArray(new String[0]));
    }

    /** The release archive extracted (with tar, as a user would) into a fresh folder; its top folder. */
    private Path extract(String name) throws Exception {
        Path archive = Paths.get(System.getProperty("austin.release.archive",
                bin().resolve("target/austin-jvm-" + version() + ".tar.gz").toString()));
        assertTrue(Files.isRegularFile(archive), "'package' makes the release archive " + archive);
        Path into = Files.createDirectories(tmp.resolve(name));
        Outcome tar = run(tmp, "", "tar", "-xzf", archive.toString(), "-C", into.toString());
        assertEquals(0, tar.code(), tar.all());
        Path top = into.resolve("austin-jvm-" + version());
        try (Stream<Path> s = Files.list(into)) {
            assertEquals(List.of(top), s.collect(Collectors.toList()), "one top folder, named with the version");
        }
        return top;
    }

    /** Every file and link below {@code dir}, relative, with a trailing slash for folders. */
    private static Set<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir))
                    .map(p -> dir.relativize(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> files(Set<String> tree) {
        return tree.stream().filter(p -> !p.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** What an install puts under its prefix (files and links), besides the class-data archives. */
    private static Set<String> installed() {
        Set<String> expected = new TreeSet<>();
        for (String tool : PAGES) {
            expected.add("bin/" + tool);
            expected.add("lib/austin-jvm/bin/" + (tool.equals("austin4") ? "austin4/austin" : tool));
            expected.add("share/man/man1/" + tool + ".1");
            expected.add("share/bash-completion/completions/" + tool);
            expected.add("share/zsh/site-functions/_" + tool);
        }
        expected.addAll(List.of("bin/austin-jshell", "lib/austin-jvm/bin/austin-jshell",
                "lib/austin-jvm/bin/austin-jshell.jsh", "lib/austin-jvm/bin/austin-tool", "lib/austin-jvm/bin/install",
                "lib/austin-jvm/lib/austin.jar", "lib/austin-jvm/installed", "share/doc/austin-jvm/README.md",
                "share/doc/austin-jvm/CHANGELOG.md", "share/doc/austin-jvm/LICENSE", "share/doc/austin-jvm/NOTICE"));
        return expected;
    }

    @Test
    void releaseArchiveInstallsRunsAndUninstalls() throws Exception {
        Path top = extract("archive");
        Set<String> content = files(tree(top));
        Set<String> expected = new TreeSet<>(List.of("bin/austin-tool", "bin/austin-jshell", "bin/austin-jshell.jsh",
                "bin/install", "lib/austin.jar",
                "README.md", "CHANGELOG.md", "LICENSE", "NOTICE"));
        for (String tool : PAGES) {
            expected.addAll(List.of("bin/" + (tool.equals("austin4") ? "austin4/austin" : tool),
                    "share/man/man1/" + tool + ".1",
                    "share/bash-completion/completions/" + tool, "share/zsh/site-functions/_" + tool));
        }
        assertEquals(expected, content, "the archive's content");

        Path prefix = Files.createDirectories(tmp.resolve("prefix with space"));
        Outcome install = run(tmp, "", top.resolve("bin/install").toString(), "--prefix", prefix.toString());
        assertEquals(0, install.code(), install.all());
        assertEquals(installed(), files(tree(prefix)), "what install put under the prefix");
        for (String tool : TOOLS) {
            Path link = prefix.resolve("bin").resolve(tool);
            assertTrue(Files.isSymbolicLink(link), link + " is a link");
            assertEquals(Paths.get("../lib/austin-jvm/bin/" + tool), Files.readSymbolicLink(link));
            assertTrue(Files.isExecutable(prefix.resolve("lib/austin-jvm/bin/" + tool)), tool);
        }

        // The tools, found on PATH, from the installed copy.
        for (String tool : TOOLS) {
            Outcome v = shell(prefix, "command -v \"$1\" && \"$1\" -V", tool);
            assertEquals(0, v.code(), v.all());
            assertEquals(prefix.resolve("bin").resolve(tool) + "\n" + tool + " " + version() + "\n", v.out());
        }
        // austin as Austin 4: austin4 on PATH, and the launcher named austin that front-ends are pointed at.
        assertEquals(Paths.get("../lib/austin-jvm/bin/austin4/austin"),
                Files.readSymbolicLink(prefix.resolve("bin/austin4")));
        String four = "austin 4.0.0 (Austin for the JVM " + version() + ")\n";
        Outcome v4 = shell(prefix, "austin4 --version");
        assertEquals(four, v4.out(), v4.all());
        Outcome front = shell(prefix, "AUSTINPATH=\"$1\"; \"$AUSTINPATH/austin\" --version",
                prefix.resolve("lib/austin-jvm/bin/austin4").toString());
        assertEquals(four, front.out(), front.all());
        Path fixtures = Fixtures.root().resolve("synthetic");
        Path text = Files.createDirectories(tmp.resolve("out")).resolve("edge_wall.v3.austin"); // the name is in the JSON
        Outcome m = shell(prefix, "mojo2austin --compat \"$1\" \"$2\"",
                fixtures.resolve("edge_wall.v3.mojo").toString(), text.toString());
        assertEquals(0, m.code(), m.all());
        assertArrayEquals(Files.readAllBytes(fixtures.resolve("edge_wall.v3.austin")), Files.readAllBytes(text));
        Path json = tmp.resolve("edge_wall.json");
        Outcome s = shell(prefix, "austin2speedscope --compat \"$1\" \"$2\"", text.toString(), json.toString());
        assertEquals(0, s.code(), s.all());
        assertArrayEquals(Files.readAllBytes(fixtures.resolve("edge_wall.v3.speedscope.json")),
                Files.readAllBytes(json));
        assertEquals("", s.err(), "nothing on standard error");
        // The launcher made its class-data archive (or noted that it cannot) beside the installed jar, which is
        // writable, not in the user's cache.
        try (Stream<Path> archives = Files.list(prefix.resolve("lib/austin-jvm/lib"))) {
            assertTrue(archives.anyMatch(p -> p.getFileName().toString().startsWith("austin-")),
                    "a class-data archive beside the jar");
        }
        assertFalse(Files.exists(home.resolve(".cache/austin-jvm")), "nothing in the user's cache");

        // JShell with the library and its imports, from PATH: a snippet that uses both.
        Path snippet = Files.writeString(tmp.resolve("snippet.jsh"),
                "System.out.println(FunctionStats.class.getName() + \" \" + Mode.CPU.name());\n/exit\n");
        Outcome j = shell(prefix, "austin-jshell \"$1\" </dev/null", snippet.toString());
        assertEquals(0, j.code(), j.all());
        assertEquals("io.austin.converters.top.FunctionStats CPU\n", j.out(), j.all());

        manPages(prefix);
        bashCompletion(prefix);
        zshCompletion(prefix);

        // The installed copy of the script only uninstalls, from its own prefix: then the prefix is as empty as it
        // was.
        Path copy = prefix.resolve("lib/austin-jvm/bin/install");
        Outcome refused = run(tmp, "", copy.toString(), "--prefix", tmp.resolve("elsewhere").toString());
        assertEquals(1, refused.code(), refused.all());
        assertTrue(refused.err().contains("only uninstalls"), refused.all());
        assertFalse(Files.exists(tmp.resolve("elsewhere")));
        Outcome uninstall = run(tmp, "", copy.toString(), "--uninstall");
        assertEquals(0, uninstall.code(), uninstall.all());
        assertEquals(Set.of(), tree(prefix), "uninstall left nothing behind");
        assertEquals(content, files(tree(top)), "the extracted archive is untouched");
        Outcome again = run(tmp, "", top.resolve("bin/install").toString(), "--uninstall", "--prefix",
                prefix.toString());
        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("not installed"), again.all());
    }

    /** The options of {@code tool} that its help shows, from the model, each with its description. */
    private static Map<String, String> options(String tool) {
        CommandLine cl = Cli.commandLine(tool, new Cli.Streams(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        Map<String, String> options = new LinkedHashMap<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (!o.hidden()) {
                for (String name : o.names()) {
                    options.put(name, String.join(" ", o.description()));
                }
            }
        }
        return options;
    }

    /** Text as compared here: typographic quotes back to ASCII, every run of white space one space. */
    private static String plain(String s) {
        return s.replace('\u2019', '\'').replace('\u2018', '\'').replaceAll("\\s+", " ");
    }

    private void manPages(Path prefix) throws Exception {
        if (run(tmp, "", "sh", "-c", "command -v man").code() != 0) {
            System.err.println("InstallIT: man(1) is not installed (apt-get install man-db): the pages are not read");
            return;
        }
        Map<String, String> wide = Map.of("MANWIDTH", "160");
        for (String tool : PAGES) {
            Path page = prefix.resolve("share/man/man1/" + tool + ".1");
            Outcome man = run(tmp, "", wide, "man", "-l", page.toString());
            assertEquals(0, man.code(), man.all());
            assertEquals("", man.err(), tool + ": groff has no complaint");
            String text = man.out();
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
                    "ENVIRONMENT", "EXAMPLES", "SEE ALSO")) {
                assertTrue(text.contains("\n" + section + "\n"), tool + "(1) has a section " + section + ":\n"
                        + text);
            }
            assertTrue(text.startsWith(tool.toUpperCase() + "(1)"), text);
            assertTrue(text.contains(tool + " - "), "NAME line: " + text);
            String options = text.substring(text.indexOf("\nOPTIONS\n"), text.indexOf("\nEXIT STATUS\n"));
            for (Map.Entry<String, String> o : options(tool).entrySet()) {
                assertTrue(Pattern.compile("(^|[\\s,\\[])" + Pattern.quote(o.getKey()) + "([\\s,=\\[]|$)",
                        Pattern.MULTILINE).matcher(options).find(), tool + "(1) lists " + o.getKey());
                assertTrue(plain(options).contains(plain(o.getValue())),
                        tool + "(1) describes " + o.getKey() + ": " + o.getValue());
            }
            String status = text.substring(text.indexOf("\nEXIT STATUS\n"), text.indexOf("\nENVIRONMENT\n"));
            for (String code : exitStatuses(tool)) {
                assertTrue(Pattern.compile("^\\s+" + code + "$", Pattern.MULTILINE).matcher(status).find(),
                        tool + "(1) explains status " + code + ":\n" + status);
            }
            assertTrue(text.contains("Austin for the JVM " + version()), "the version in the footer");
        }
        // man finds the pages by name in the prefix, as it does for a prefix whose bin is on PATH.
        Outcome byName = run(tmp, "", Map.of("MANPATH", prefix.resolve("share/man").toString(), "MANWIDTH", "100"),
                "man", "austin2pprof");
        assertEquals(0, byName.code(), byName.all());
        assertTrue(byName.out().contains("--gzip"), byName.all());
    }

    /**
     * The statuses a tool documents in its help: austin's footer paragraph (as Austin's --help has them), the
     * converters' exit code list; each with at least the ones the code defines.
     */
    private static List<String> exitStatuses(String tool) {
        CommandLine cl = Cli.commandLine(tool, new Cli.Streams(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        List<String> codes = new ArrayList<>();
        for (String key : cl.getCommandSpec().usageMessage().exitCodeList().keySet()) {
            codes.add(key.trim());
        }
        for (String line : cl.getCommandSpec().usageMessage().footer()) {
            if (line.startsWith("Exit status:")) {
                Matcher m = Pattern.compile("(?:: |; )([0-9]+) ").matcher(line);
                while (m.find()) {
                    codes.add(m.group(1));
                }
            }
        }
        List<Integer> defined = "austin".equals(tool)
                ? List.of(ExitCodes.OK, ExitCodes.USAGE, ExitCodes.IO_ERROR, AustinCommand.SIGINT_STATUS,
                        AustinCommand.SIGTERM_STATUS, AustinCommand.SIGHUP_STATUS, AustinCommand.NO_COMMAND_STATUS)
                : "austin4".equals(tool)
                ? List.of(ExitCodes.OK, ExitCodes.USAGE, Austin4Command.CMDLINE_STATUS, Austin4Command.IO_STATUS,
                        Austin4Command.OS_STATUS, Austin4Command.PERMISSION_STATUS, Austin4Command.VERSION_STATUS,
                        AustinCommand.SIGINT_STATUS, AustinCommand.SIGTERM_STATUS, AustinCommand.SIGHUP_STATUS)
                : "austin-top".equals(tool)
                ? List.of(ExitCodes.OK, ExitCodes.USAGE, ExitCodes.INTERNAL, ExitCodes.CANNOT_CREATE_OUTPUT,
                        ExitCodes.IO_ERROR)
                : List.of(ExitCodes.OK, ExitCodes.USAGE, ExitCodes.CORRUPT_INPUT, ExitCodes.NO_INPUT,
                        ExitCodes.INTERNAL, ExitCodes.CANNOT_CREATE_OUTPUT, ExitCodes.IO_ERROR);
        for (int code : defined) {
            assertTrue(codes.contains(String.valueOf(code)), tool + " documents status " + code + ": " + codes);
        }
        return codes;
    }

    /** Runs the completion of {@code words} (the last one being completed) in a real bash; the candidates. */
    private List<String> bashComplete(Path prefix, Path dir, String... words) throws Exception {
        String script = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
                + " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _complete_\"$1\" 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> command = new ArrayList<>(List.of("bash", "--norc", "--noprofile", "-c", script, "bash",
                prefix.resolve("share/bash-completion/completions/" + words[0]).toString()));
        command.addAll(List.of(words));
        Outcome o = run(dir, "", command.toArray(new String[0]));
        assertEquals(0, o.code(), o.all());
        return o.out().lines().filter(l -> !l.isEmpty()).sorted().collect(Collectors.toList());
    }

    private void bashCompletion(Path prefix) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("completion"));
        Files.createFile(dir.resolve("profile.mojo"));
        Files.createFile(dir.resolve("profile.json"));
        assertEquals(List.of("--pipe"), bashComplete(prefix, dir, "austin", "--pip"));
        assertEquals(List.of("--pid", "--pipe"), bashComplete(prefix, dir, "austin", "--pi"));
        assertEquals(List.of("--sleepless"), bashComplete(prefix, dir, "austin", "--sl"));
        assertEquals(List.of("profile.json", "profile.mojo"), bashComplete(prefix, dir, "austin", "-o", "prof"));
        assertEquals(List.of("profile.json", "profile.mojo"),
                bashComplete(prefix, dir, "austin", "-i", "1ms", "python3", "prof"));
        assertEquals(List.of("profile.mojo"), bashComplete(prefix, dir, "mojo2austin", "profile.m"));
        assertEquals(List.of("profile.json", "profile.mojo"),
                bashComplete(prefix, dir, "austin2speedscope", "--compat", "profile.mojo", "prof"));
        assertEquals(List.of("--compat"), bashComplete(prefix, dir, "austin2pprof", "--co"));
        assertEquals(List.of("--gzip"), bashComplete(prefix, dir, "austin2pprof", "--g"));
        assertEquals(List.of("--indent"), bashComplete(prefix, dir, "austin2speedscope", "--in"));
    }

    /**
     * zsh, when installed: an interactive zsh in a pseudo-terminal (zsh's zpty) with the prefix's site-functions
     * on its fpath types "austin --pip" and a tab; the line then reads "austin --pipe".
     */
    private void zshCompletion(Path prefix) throws Exception {
        if (run(tmp, "", "sh", "-c", "command -v zsh").code() != 0) {
            System.err.println("InstallIT: zsh is not installed: its completion is not tried");
            return;
        }
        String driver = String.join("\n",
                "zmodload zsh/zpty || exit 3",
                "zpty z 'TERM=dumb zsh -f -i'",
                "zpty -w z \"PS1='> '; fpath=(${(q)1} \\$fpath); autoload -U compinit; compinit -u -D\"",
                "zpty -w -n z $2$'\\t'",
                "out=",
                "for i in {1..200}; do",
                "  zpty -r -t z chunk && out+=$chunk",
                "  [[ $out == *\"$3\"* ]] && break",
                "  sleep 0.1",
                "done",
                "zpty -d z",
                "print -r -- \"$out\"");
        Outcome o = run(tmp, "", "zsh", "-f", "-c", driver, "zsh",
                prefix.resolve("share/zsh/site-functions").toString(), "austin --pip", "austin --pipe");
        assertEquals(0, o.code(), o.all());
        assertTrue(o.out().contains("austin --pipe"), "zsh completed the option:\n" + o.all());
        assertFalse(o.out().contains("command not found"), o.all());
    }

    @Test
    void installFromTheCheckoutAndAgain() throws Exception {
        assumeTrue(Files.isRegularFile(bin().resolve("target/austin.jar")), "'package' built the jar");
        Path prefix = tmp.resolve("prefix");
        Map<String, String> noCds = Map.of("AUSTIN_CDS", "0");
        for (int i = 0; i < 2; i++) { // the second install replaces the first
            Outcome install = run(tmp, "", bin().resolve("install").toString(), "--prefix=" + prefix);
            assertEquals(0, install.code(), install.all());
            assertTrue(install.out().contains("is not on PATH"), install.all());
            assertEquals(installed(), files(tree(prefix)));
        }
        assertArrayEquals(Files.readAllBytes(bin().resolve("target/austin.jar")),
                Files.readAllBytes(prefix.resolve("lib/austin-jvm/lib/austin.jar")));
        Outcome v = run(tmp, prefix.resolve("bin").toString(), noCds, "sh", "-c", "austin2pprof -V");
        assertEquals(0, v.code(), v.all());
        assertEquals("austin2pprof " + version() + "\n", v.out());
        Outcome uninstall = run(tmp, "", bin().resolve("install").toString(), "--uninstall", "--prefix",
                prefix.toString());
        assertEquals(0, uninstall.code(), uninstall.all());
        assertEquals(Set.of(), tree(prefix));
    }

    @Test
    void installNeverReplacesAnotherAustin() throws Exception {
        Path top = extract("archive");
        Path prefix = tmp.resolve("prefix");
        Path theirs = Files.createDirectories(prefix.resolve("bin")).resolve("austin");
        Files.writeString(theirs, "#!/bin/sh\necho the C austin\n");
        Outcome install = run(tmp, "", top.resolve("bin/install").toString(), "--prefix", prefix.toString());
        assertNotEquals(0, install.code(), install.all());
        assertTrue(install.err().contains(theirs + " exists"), install.all());
        assertEquals(Set.of("bin/", "bin/austin"), tree(prefix), "nothing installed");
        assertEquals("#!/bin/sh\necho the C austin\n", Files.readString(theirs));
        Outcome bad = run(tmp, "", top.resolve("bin/install").toString(), "--bogus");
        assertEquals(64, bad.code(), bad.all());
    }

    @Test
    void installFailingMidwayTakesBackWhatItDid() throws Exception {
        Path top = extract("archive");
        Path prefix = Files.createDirectories(tmp.resolve("prefix"));
        Files.writeString(prefix.resolve("share"), "a file where install needs a folder\n");
        Outcome install = run(tmp, "", top.resolve("bin/install").toString(), "--prefix", prefix.toString());
        assertNotEquals(0, install.code(), install.all());
        assertTrue(install.err().contains("is removed again"), install.all());
        assertEquals(Set.of("share"), tree(prefix), "bin/ and lib/ were made, then removed");
    }

    @Test
    void archiveLaunchersRunInPlaceAndNeverBuild() throws Exception {
        Path top = extract("archive");
        // A Maven that would leave a trace, first on PATH: the launchers must not call it.
        Path fake = Files.createDirectories(tmp.resolve("fake-maven"));
        Path trace = tmp.resolve("maven-was-called");
        Path mvn = fake.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + trace + "'\nexit 1\n");
        assertTrue(mvn.toFile().setExecutable(true));
        Map<String, String> noCds = Map.of("AUSTIN_CDS", "0");
        Outcome v = run(tmp, fake.toString(), noCds, top.resolve("bin/austin").toString(), "-V");
        assertEquals(0, v.code(), v.all());
        assertEquals("austin " + version() + "\n", v.out());

        Files.delete(top.resolve("lib/austin.jar"));
        Outcome missing = run(tmp, fake.toString(), noCds, top.resolve("bin/mojo2austin").toString(), "-V");
        assertEquals(70, missing.code(), missing.all());
        assertEquals("mojo2austin: " + top.resolve("lib/austin.jar") + " is missing: reinstall Austin for the JVM\n",
                missing.err());
        assertFalse(Files.exists(trace), "Maven was not called");
    }
}
