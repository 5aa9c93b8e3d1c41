package io.austin.bin;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option list laid out as GNU argp lays out Austin's: {@code "  -x, --long=ARG"} padded to column 29, the
 * description wrapped at 79 columns with its continuation lines in the same column, long-only options indented as if
 * they had a short name.
 */
final class ArgpHelp {
    private static final int DESCRIPTION_COLUMN = 29;
    private static final int WIDTH = 79;

    private ArgpHelp() {
    }

    /** Uses this layout for {@code cl}'s option list. */
    static void install(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                new CommandLine.IHelpSectionRenderer() { // a class, not a lambda: installed at every start (Cli)
                    @Override
                    public String render(CommandLine.Help help) {
                        return ArgpHelp.render(help.commandSpec().options());
                    }
                });
    }

    static String render(List<OptionSpec> options) {
        StringBuilder out = new StringBuilder();
        for (OptionSpec o : options) {
            if (o.hidden()) {
                continue;
            }
            StringBuilder head = new StringBuilder("  ");
            String shortName = null;
            List<String> longNames = new ArrayList<>();
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    longNames.add(n);
                } else if (shortName == null) {
                    shortName = n;
                }
            }
            head.append(shortName != null ? shortName + (longNames.isEmpty() ? "" : ", ") : "    ");
            head.append(String.join(", ", longNames));
            if (o.arity().max() > 0) {
                head.append(longNames.isEmpty() ? " " : "=").append(o.paramLabel());
            }
            String description = String.join(" ", o.description());
            if (head.length() >= DESCRIPTION_COLUMN - 1) {
                out.append(head).append('\n');
                head.setLength(0);
            }
            pad(head, DESCRIPTION_COLUMN);
            wrap(out, head.toString(), description);
        }
        return out.toString();
    }

    private static void wrap(StringBuilder out, String first, String text) {
        String indent = " ".repeat(DESCRIPTION_COLUMN);
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        out.append(line).append('\n');
    }

    private static void pad(StringBuilder b, int column) {
        while (b.length() < column) {
            b.append(' ');
        }
    }
}
