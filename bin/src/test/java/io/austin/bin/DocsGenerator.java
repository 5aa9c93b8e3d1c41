package io.austin.bin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.ast.Cursor;
import org.asciidoctor.log.Severity;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * A build step, not a test: from each tool's picocli model (the one {@link Cli} builds), writes the AsciiDoc man page
 * source that {@code src/main/man/TOOL.adoc} includes section by section (picocli-codegen's
 * {@link ManPageGenerator}), has Asciidoctor's manpage converter turn those pages into troff, and writes the tool's
 * bash and zsh completion scripts (picocli's {@link AutoComplete}). bin/pom.xml runs it at {@code prepare-package}.
 * It lives with the tests so that picocli-codegen and AsciidoctorJ stay test-scoped dependencies, out of the shaded
 * jar.
 *
 * <p>Usage: {@code DocsGenerator TARGET MAN_SOURCES}; writes {@code TARGET/man-adoc/TOOL.adoc},
 * {@code TARGET/share/man/man1/TOOL.1} (from {@code MAN_SOURCES/TOOL.adoc}),
 * {@code TARGET/share/bash-completion/completions/TOOL} and {@code TARGET/share/zsh/site-functions/_TOOL}. A
 * warning of Asciidoctor's (an include or a tag not found, say) fails it.
 */
public final class DocsGenerator {
    /** Where the generated man page sources go, under the target folder. */
    static final String MAN_SOURCES = "man-adoc";
    /** Where the man pages go, under the target folder. */
    static final String MAN_PAGES = "share/man/man1";
    /** bash-completion loads a command's completion from a file named after the command in this folder. */
    static final String BASH_COMPLETIONS = "share/bash-completion/completions";
    /** zsh autoloads the completion function _TOOL from a file of that name in a folder on its fpath. */
    static final String ZSH_COMPLETIONS = "share/zsh/site-functions";

    /** {@code Exit status: 0 done (...); 64 bad option; ...}: austin's statuses, in its --help footer. */
    private static final Pattern EXIT_STATUS_LINE = Pattern.compile("Exit status: (.*?)\\.?");
    private static final Pattern EXIT_STATUS_ITEM = Pattern.compile("([0-9]+) (.+)");

    private DocsGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DocsGenerator TARGET_FOLDER MAN_SOURCES_FOLDER");
        }
        Path target = Paths.get(args[0]);
        for (String tool : Cli.tools()) {
            write(target.resolve(MAN_SOURCES).resolve(tool + ".adoc"), manPageSource(tool));
            String bash = bashCompletion(tool);
            write(target.resolve(BASH_COMPLETIONS).resolve(tool), bash);
            write(target.resolve(ZSH_COMPLETIONS).resolve("_" + tool), zshCompletion(tool, bash));
        }
        manPages(Paths.get(args[1]), target.resolve(MAN_SOURCES), target.resolve(MAN_PAGES));
    }

    /**
     * Converts {@code sources/TOOL.adoc} of every tool, which include the generated sections from {@code generated},
     * into the troff man page {@code pages/TOOL.1}; fails on any warning.
     */
    static void manPages(Path sources, Path generated, Path pages) {
        List<String> problems = new ArrayList<>();
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            asciidoctor.registerLogHandler(record -> {
                if (record.getSeverity().compareTo(Severity.WARN) >= 0) {
                    Cursor at = record.getCursor();
                    problems.add(record.getSeverity() + ": " + record.getMessage()
                            + (at == null ? "" : " (" + at.getFile() + ":" + at.getLineNumber() + ")"));
                }
            });
            Attributes attributes = Attributes.builder()
                    .attribute("generated", generated.toAbsolutePath().toString())
                    .attribute("manmanual", "Austin for the JVM")
                    .attribute("mansource", "Austin for the JVM " + Version.project())
                    .attribute("reproducible", "") // no date: the same sources make the same pages
                    .build();
            Options options = Options.builder().backend("manpage").docType("manpage").safe(SafeMode.UNSAFE)
                    .toDir(pages.toFile()).mkDirs(true).attributes(attributes).build();
            for (String tool : Cli.tools()) {
                Path source = sources.resolve(tool + ".adoc");
                if (!Files.isRegularFile(source)) {
                    throw new IllegalStateException(tool + " has no man page source " + source);
                }
                asciidoctor.convertFile(source.toFile(), options);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Asciidoctor: " + String.join("; ", problems));
        }
    }

    /** A fresh command line of {@code tool}, as the tool builds it, on streams nobody reads. */
    private static CommandLine commandLine(String tool) {
        return Cli.commandLine(tool, new Cli.Streams(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    }

    /**
     * The AsciiDoc man page of {@code tool}, tagged by section ({@code picocli-generated-man-section-options}, ...).
     * The model's usage help is written for a terminal; for a man page: the exit statuses as a list of their own
     * (austin keeps them in a footer paragraph, in Austin's --help layout), headings without the terminal's
     * punctuation, and austin's command argument shown.
     */
    static String manPageSource(String tool) {
        CommandLine cl = commandLine(tool);
        CommandSpec spec = cl.getCommandSpec();
        spec.name(tool); // austin4 calls itself austin, as Austin 4 does; its page is austin4(1)
        UsageMessageSpec usage = spec.usageMessage();
        List<String> footer = new ArrayList<>();
        Map<String, String> statuses = new LinkedHashMap<>(usage.exitCodeList());
        for (String line : usage.footer()) {
            Matcher m = EXIT_STATUS_LINE.matcher(line);
            if (m.matches()) {
                for (String item : m.group(1).split("; ")) {
                    Matcher s = EXIT_STATUS_ITEM.matcher(item);
                    if (!s.matches()) {
                        throw new IllegalStateException(tool + ": cannot read the exit status '" + item + "' in: "
                                + line);
                    }
                    statuses.put(s.group(1), s.group(2));
                }
            } else {
                footer.add(line);
            }
        }
        while (!footer.isEmpty() && footer.get(footer.size() - 1).isBlank()) {
            footer.remove(footer.size() - 1);
        }
        if (statuses.isEmpty()) {
            throw new IllegalStateException(tool + ": no exit statuses in its usage help");
        }
        usage.exitCodeList(statuses);
        usage.exitCodeListHeading("Exit status%n");
        usage.footer(footer.toArray(new String[0]));
        usage.footerHeading("Notes%n");
        for (PositionalParamSpec p : new ArrayList<>(spec.positionalParameters())) {
            if (p.hidden()) {
                replace(spec, p, PositionalParamSpec.builder(p).hidden(false).build());
            }
        }
        StringWriter out = new StringWriter();
        try (PrintWriter pw = new PrintWriter(out)) {
            ManPageGenerator.writeSingleManPage(pw, spec);
        }
        return out.toString();
    }

    /** Replaces {@code old} by {@code now}, in place: the man page keeps the declared order of the arguments. */
    private static void replace(CommandSpec spec, PositionalParamSpec old, PositionalParamSpec now) {
        List<PositionalParamSpec> all = new ArrayList<>(spec.positionalParameters());
        all.forEach(spec::remove);
        all.forEach(p -> spec.addPositional(p == old ? now : p));
    }

    /**
     * picocli's bash completion script for {@code tool}, made from a copy of its model that tells the script what the
     * values are: an option or argument labelled FILE, INPUT or OUTPUT (and austin's command and its arguments)
     * completes file names, and an option whose value is optional (the converters' {@code --compat}) completes as a
     * flag, so that the INPUT after it still completes. Without that, the script would complete nothing there: its
     * values are plain strings in the model.
     */
    static String bashCompletion(String tool) {
        CommandLine cl = commandLine(tool);
        CommandSpec spec = cl.getCommandSpec();
        List<OptionSpec> options = new ArrayList<>(spec.options());
        List<PositionalParamSpec> positionals = new ArrayList<>(spec.positionalParameters());
        options.forEach(spec::remove);
        positionals.forEach(spec::remove);
        for (OptionSpec o : options) {
            OptionSpec.Builder b = OptionSpec.builder(o.names()).hidden(o.hidden()).paramLabel(o.paramLabel())
                    .description(o.description());
            if (o.arity().max() == 0 || o.arity().min() == 0) {
                b.arity("0").type(boolean.class);
            } else if (isFile(o.paramLabel())) {
                b.arity(o.arity().toString()).type(File.class);
            } else {
                b.arity(o.arity().toString()).type(String.class);
            }
            spec.addOption(b.build());
        }
        for (PositionalParamSpec p : positionals) {
            // austin's (and austin-top's) COMMAND [ARG...]: a program or script, then its arguments, most often files.
            boolean files = isFile(p.paramLabel()) || "austin".equals(tool) || "austin4".equals(tool)
                    || "austin-top".equals(tool);
            PositionalParamSpec.Builder b = PositionalParamSpec.builder().index(p.index().toString())
                    .arity(p.arity().toString()).paramLabel(p.paramLabel()).hidden(false);
            if (p.isMultiValue()) {
                b.type(List.class).auxiliaryTypes(files ? File.class : String.class);
            } else {
                b.type(files ? File.class : String.class);
            }
            spec.addPositional(b.build());
        }
        return AutoComplete.bash(tool, cl);
    }

    private static boolean isFile(String label) {
        return List.of("FILE", "INPUT", "OUTPUT").contains(label);
    }

    /**
     * The zsh completion function {@code _TOOL}: picocli's script is written for bash and for zsh's bash
     * emulation (bashcompinit). zsh autoloads this file from its fpath on the first completion of the tool and runs
     * it as the body of {@code _TOOL}: that defines the script's functions, registers them for the tool (from then on
     * zsh calls them directly) and completes this first time.
     */
    static String zshCompletion(String tool, String bash) {
        String header = "#compdef " + tool + "\n"
                + "# zsh completion of " + tool + " (Austin for the JVM): picocli's generated script below, run through\n"
                + "# zsh's bash completion emulation. zsh autoloads this file as the function _" + tool
                + " on the first\n"
                + "# completion of " + tool + "; the script registers its own functions for the next ones.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "# The script asks bash's compopt for file name handling; zsh has none, and the alias the script\n"
                + "# makes for it is not expanded in an autoloaded function: a no-op, unless someone defined one.\n"
                + "(( ${+functions[compopt]} + ${+builtins[compopt]} )) || compopt() { return 0; }\n\n";
        String footer = "\n# This first time, complete as the registered function will from now on.\n"
                + "_bash_complete -F _complete_" + tool + " -o default\n";
        return header + bash + footer;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
