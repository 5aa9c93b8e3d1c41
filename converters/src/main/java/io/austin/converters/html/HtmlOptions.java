package io.austin.converters.html;

import java.util.Objects;

/**
 * How {@link HtmlRenderer} writes a flame graph page.
 *
 * @param title    the page's title (the tool uses the input file's name)
 * @param minShare the pruning threshold, a fraction in [0, 1): a call-tree node is kept when one of its values is
 *                 at least this share of its thread's total for that metric (in a diff, of either profile's total);
 *                 the rest of its parent's children are folded into one grey "pruned" box of their summed value,
 *                 so widths and totals stay exact. 0 keeps every node.
 * @param maxNodes the most nodes a page carries: when the threshold keeps more, it is raised until the page fits
 *                 (the page shows the threshold it used). Bounds the page's size whatever the input.
 */
public record HtmlOptions(String title, double minShare, int maxNodes) {
    /**
     * The default threshold: 0.001 % of a thread's total, a hundredth of a pixel on a 1,000-pixel wide graph,
     * visible only after zooming in a hundred times.
     */
    public static final double DEFAULT_MIN_SHARE = 0.00001;
    /** The default node budget: about 3 MB of page for a one-metric profile, under 8 MB for four metrics. */
    public static final int DEFAULT_MAX_NODES = 150_000;

    public HtmlOptions {
        Objects.requireNonNull(title, "title");
        if (!(minShare >= 0 && minShare < 1)) {
            throw new IllegalArgumentException("minShare " + minShare + " is not in [0, 1)");
        }
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes " + maxNodes);
        }
    }

    /** Title {@code profile}, {@link #DEFAULT_MIN_SHARE}, {@link #DEFAULT_MAX_NODES}. */
    public static HtmlOptions defaults() {
        return new HtmlOptions("profile", DEFAULT_MIN_SHARE, DEFAULT_MAX_NODES);
    }

    /** The same options with another title. */
    public HtmlOptions withTitle(String value) {
        return new HtmlOptions(value, minShare, maxNodes);
    }

    /** The same options with another pruning threshold (0 keeps every node). */
    public HtmlOptions withMinShare(double value) {
        return new HtmlOptions(title, value, maxNodes);
    }

    /** The same options with another node budget. */
    public HtmlOptions withMaxNodes(int value) {
        return new HtmlOptions(title, minShare, value);
    }
}
