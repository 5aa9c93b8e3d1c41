package io.austin.converters.html;

import io.austin.converters.profile.Metric;
import io.austin.converters.profile.Profile;
import io.austin.formats.Metadata;
import io.austin.formats.ThreadKey;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a profile as one self-contained HTML page: an interactive flame graph (and icicle) of the profile's call
 * tree, with zoom, search, hover details and a selection of process and thread, or a differential flame graph of
 * two profiles. The page needs nothing but itself: its script and style are inline (ours, from this jar), it makes
 * no request of any kind, and a Content-Security-Policy forbids it to.
 *
 * <p>The page carries the aggregated call tree, never the samples, so its size depends on the tree, not on the
 * length of the run: strings and frames in tables, each node a nested array {@code [frame, samples, values...,
 * children...]}. Nodes below {@link HtmlOptions#minShare()} of their thread's total are folded into one grey
 * "pruned" box per parent, and the node budget {@link HtmlOptions#maxNodes()} caps what is left.
 *
 * <p>The methods write the whole page and flush {@code out}; they never close it.
 */
public final class HtmlRenderer {
    private static final String RESOURCES = "/io/austin/converters/html/";

    private HtmlRenderer() {
    }

    /** Writes the flame graph page of {@code profile}: one call tree per thread, merged as the reader selects. */
    public static void write(Profile profile, HtmlOptions options, OutputStream out) throws IOException {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(out, "out");
        CallTree tree = CallTree.of(profile);
        tree.prune(options.minShare(), options.maxNodes());
        page(tree, profile, null, options, out);
    }

    /**
     * Writes the differential flame graph page of {@code next} against {@code base}: {@code next}'s call tree (every
     * thread merged), each box coloured by how its share of the total changed (share in {@code next} minus share in
     * {@code base}, each of its own profile's total): red for hotter, blue for colder. Paths only in {@code base}
     * are listed beside the graph.
     *
     * @throws IllegalArgumentException when the profiles have no metric in common (a memory and a time profile)
     */
    public static void writeDiff(Profile base, Profile next, HtmlOptions options, OutputStream out)
            throws IOException {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(out, "out");
        CallTree tree = CallTree.diff(base, next);
        tree.prune(options.minShare(), options.maxNodes());
        page(tree, next, base, options, out);
    }

    private static void page(CallTree tree, Profile profile, Profile base, HtmlOptions options, OutputStream out)
            throws IOException {
        String template = resource("page.html");
        Writer w = new BufferedWriter(new OutputStreamWriter(new NonClosing(out), StandardCharsets.UTF_8), 1 << 16);
        int at = 0;
        // {{NAME}} placeholders, in order of appearance.
        while (true) {
            int open = template.indexOf("{{", at);
            if (open < 0) {
                break;
            }
            int close = template.indexOf("}}", open);
            w.write(template, at, open - at);
            switch (template.substring(open + 2, close)) {
                case "TITLE" -> w.write(htmlText(options.title()));
                case "STYLE" -> w.write(resource("flame.css"));
                case "SCRIPT" -> w.write(script());
                case "DATA" -> new PageData(tree, profile, base, options, w).write();
                default -> throw new IllegalStateException("unknown placeholder in page.html at " + open);
            }
            at = close + 2;
        }
        w.write(template, at, template.length() - at);
        w.flush();
    }

    /** The page's script: ours, which must not end its element early (it holds no {@code </script}). */
    private static String script() throws IOException {
        String js = resource("flame.js");
        String lower = js.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("</script") || lower.contains("<!--")) {
            throw new IllegalStateException("flame.js must not contain </script or <!--");
        }
        return js;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HtmlRenderer.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String htmlText(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The JSON data block: strings, frames, threads and their trees, metrics and what pruning did. */
    private static final class PageData {
        private final CallTree tree;
        private final Profile profile;
        private final Profile base;
        private final HtmlOptions options;
        private final Writer w;
        private final int[][] children;
        private final Map<String, Integer> strings = new HashMap<>();
        private final StringBuilder stringTable = new StringBuilder();
        private int[] frameMap;
        private final StringBuilder frameTable = new StringBuilder();
        private int frameCount;
        private int written;

        PageData(CallTree tree, Profile profile, Profile base, HtmlOptions options, Writer w) {
            this.tree = tree;
            this.profile = profile;
            this.base = base;
            this.options = options;
            this.w = w;
            this.children = tree.childLists();
        }

        void write() throws IOException {
            w.write("{\"version\":1,\"kind\":");
            w.write(tree.isDiff() ? "\"diff\"" : "\"flame\"");
            w.write(",\"title\":");
            HtmlRenderer.string(w, options.title());
            w.write(",\"mode\":");
            HtmlRenderer.string(w, profile.mode().text());
            if (base != null) {
                w.write(",\"baseMode\":");
                HtmlRenderer.string(w, base.mode().text());
            }
            w.write(",\"metrics\":[");
            List<Metric> metrics = tree.metrics();
            for (int m = 0; m < metrics.size(); m++) {
                w.write(m == 0 ? "[" : ",[");
                HtmlRenderer.string(w, metrics.get(m).title());
                w.write(metrics.get(m).isTime() ? ",\"us\"]" : ",\"B\"]");
            }
            w.write("],\"samples\":" + profile.samples());
            if (base != null) {
                w.write(",\"baseSamples\":" + base.samples());
            }
            w.write(",\"minShare\":" + options.minShare() + ",\"threshold\":" + tree.threshold());
            w.write(",\"metadata\":");
            metadata(profile);
            if (base != null) {
                w.write(",\"baseMetadata\":");
                metadata(base);
            }
            frameMap = new int[0];
            w.write(",\"threads\":[");
            List<ThreadKey> roots = tree.roots();
            for (int r = 0; r < roots.size(); r++) {
                if (r > 0) {
                    w.write(',');
                }
                ThreadKey k = roots.get(r);
                if (k == null) {
                    w.write("[0,\"\",");
                } else {
                    w.write("[" + k.pid() + ",");
                    HtmlRenderer.string(w, k.textName());
                    w.write(',');
                }
                node(r);
                w.write(']');
            }
            w.write("],\"nodes\":" + written);
            w.write(",\"frames\":[");
            w.write(frameTable.toString());
            w.write("],\"strings\":[");
            w.write(stringTable.toString());
            w.write("]}");
        }

        private void metadata(Profile p) throws IOException {
            w.write('[');
            boolean first = true;
            for (Metadata m : p.metadata()) {
                w.write(first ? "[" : ",[");
                first = false;
                HtmlRenderer.string(w, m.key());
                w.write(',');
                HtmlRenderer.string(w, m.value());
                w.write(']');
            }
            w.write(']');
        }

        /** {@code [frame, samples, values..., (base values..., base samples,) children..., pruned?]}. */
        private void node(int n) throws IOException {
            written++;
            int width = tree.metrics().size();
            w.write('[');
            w.write(Integer.toString(tree.frame(n) < 0 ? tree.frame(n) : frame(tree.frame(n))));
            values(tree.samples(n), n, width, tree.baseSamples(n));
            long prunedSamples = 0;
            long prunedBase = 0;
            long[] pruned = new long[width * 2];
            boolean anyPruned = false;
            for (int c : children[n]) {
                if (tree.kept(c)) {
                    w.write(',');
                    node(c);
                } else {
                    anyPruned = true;
                    prunedSamples += tree.samples(c);
                    prunedBase += tree.baseSamples(c);
                    for (int m = 0; m < width; m++) {
                        pruned[m] += tree.value(c, m);
                        pruned[width + m] += tree.baseValue(c, m);
                    }
                }
            }
            if (anyPruned) {
                written++;
                w.write(",[-1," + prunedSamples);
                for (int m = 0; m < width; m++) {
                    w.write("," + pruned[m]);
                }
                if (tree.isDiff()) {
                    for (int m = 0; m < width; m++) {
                        w.write("," + pruned[width + m]);
                    }
                    w.write("," + prunedBase);
                }
                w.write(']');
            }
            w.write(']');
        }

        private void values(long samples, int n, int width, long baseSamples) throws IOException {
            w.write(',');
            w.write(Long.toString(samples));
            for (int m = 0; m < width; m++) {
                w.write(',');
                w.write(Long.toString(tree.value(n, m)));
            }
            if (tree.isDiff()) {
                for (int m = 0; m < width; m++) {
                    w.write(',');
                    w.write(Long.toString(tree.baseValue(n, m)));
                }
                w.write(',');
                w.write(Long.toString(baseSamples));
            }
        }

        /** The page's id of tree frame {@code f}: only the frames of kept nodes are in the page's table. */
        private int frame(int f) {
            if (f >= frameMap.length) {
                int old = frameMap.length;
                frameMap = java.util.Arrays.copyOf(frameMap, Math.max(f + 1, old * 2));
                java.util.Arrays.fill(frameMap, old, frameMap.length, -1);
            }
            if (frameMap[f] < 0) {
                frameMap[f] = frameCount++;
                if (frameTable.length() > 0) {
                    frameTable.append(',');
                }
                frameTable.append(intern(tree.scope(f))).append(',').append(intern(tree.file(f))).append(',')
                        .append(tree.line(f));
            }
            return frameMap[f];
        }

        private int intern(String s) {
            Integer id = strings.get(s);
            if (id == null) {
                id = strings.size();
                strings.put(s, id);
                if (id > 0) {
                    stringTable.append(',');
                }
                try {
                    StringBuilder b = new StringBuilder();
                    HtmlRenderer.string(b, s);
                    stringTable.append(b);
                } catch (IOException cannot) {
                    throw new UncheckedIOException(cannot); // a StringBuilder does not fail
                }
            }
            return id;
        }
    }

    /**
     * A JSON string that is also safe inside a {@code <script>} element: {@code <}, {@code >} and {@code &} are
     * escaped, so a frame named {@code </script>} cannot end the element, and so are U+2028 and U+2029.
     */
    static void string(Appendable out, String s) throws IOException {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The caller's stream, flushed but never closed by the page's writer. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
