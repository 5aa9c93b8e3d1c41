package io.austin.bin;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help of the Austin 4 personality, laid out as Austin 4 lays out its own: a synopsis of the switches grouped as
 * {@code [-CcfgmnP?V]} then each option with an argument as {@code [-x ARG]}, wrapped at 80 columns under the
 * program name; the description; {@code Options:} with {@code "  -c, --cpu <ARG>"} and the description from column
 * 30; then the exit statuses.
 */
final class Austin4Help {
    private static final int COLUMN = 30;
    private static final int WIDTH = 80;

    private Austin4Help() {
    }

    /** Uses this layout for the whole of {@code cl}'s help. */
    static void install(CommandLine cl) {
        cl.setHelpSectionKeys(java.util.List.of("austin4"));
        cl.getHelpSectionMap().put("austin4", help -> render(help.commandSpec()));
    }

    /** The short usage ({@code --usage}, and no argument at all). */
    static String synopsis(CommandSpec spec) {
        String prefix = "Usage: " + spec.name();
        int indent = prefix.length() + 1;
        StringBuilder out = new StringBuilder(prefix);
        int col = indent;
        StringBuilder flags = new StringBuilder();
        for (OptionSpec o : spec.options()) {
            String s = shortName(o);
            if (!o.hidden() && s != null && o.arity().max() == 0) {
                flags.append(s.charAt(1));
            }
        }
        col = token(out, col, indent, " [-" + flags + "]");
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.arity().max() == 0) {
                continue;
            }
            String s = shortName(o);
            col = token(out, col, indent, s != null ? " [" + s + " " + o.paramLabel() + "]"
                    : " [" + o.longestName() + "=" + o.paramLabel() + "]");
        }
        token(out, col, indent, " command [ARG...]");
        return out.append('\n').toString();
    }

    static String render(CommandSpec spec) {
        StringBuilder out = new StringBuilder(synopsis(spec)).append('\n');
        text(out, String.join(" ", spec.usageMessage().description()), 0, 0);
        out.append("\nOptions:\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            StringBuilder head = new StringBuilder("  ");
            String s = shortName(o);
            head.append(s != null ? s + ", " : "    ");
            head.append(o.longestName());
            if (o.arity().max() > 0) {
                head.append(" <").append(o.paramLabel()).append('>');
            }
            out.append(head);
            int col = head.length();
            if (col >= COLUMN) {
                out.append('\n');
                col = 0;
            }
            out.append(" ".repeat(COLUMN - col));
            text(out, String.join(" ", o.description()), COLUMN, COLUMN);
        }
        for (String footer : spec.usageMessage().footer()) {
            out.append('\n');
            text(out, footer, 0, 0);
        }
        return out.toString();
    }

    private static String shortName(OptionSpec o) {
        for (String n : o.names()) {
            if (n.length() == 2 && n.charAt(0) == '-' && n.charAt(1) != '-') {
                return n;
            }
        }
        return null;
    }

    /** Appends a synopsis token, on a new line under the program name when it would pass the width. */
    private static int token(StringBuilder out, int col, int indent, String token) {
        if (col + token.length() > WIDTH) {
            out.append('\n').append(" ".repeat(indent));
            col = indent;
        }
        out.append(token);
        return col + token.length();
    }

    /** Appends words from column {@code col}, wrapping at the width to column {@code indent}, and a new line. */
    private static void text(StringBuilder out, String text, int col, int indent) {
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (col > indent && col + 1 + word.length() > WIDTH) {
                out.append('\n').append(" ".repeat(indent));
                col = indent;
            } else if (col > indent) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        out.append('\n');
    }
}
