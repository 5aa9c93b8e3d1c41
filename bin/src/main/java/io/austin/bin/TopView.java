package io.austin.bin;

import io.austin.bin.TopTable.Caller;
import io.austin.bin.TopTable.Row;
import io.austin.bin.TopTable.Scope;
import io.austin.bin.TopTable.Sort;
import io.austin.bin.TopTally.Fn;
import io.austin.converters.profile.Metric;
import io.austin.formats.ThreadKey;
import io.austin.sampler.SamplerStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What austin-top shows and how its keys change that: the window, the scope, the sort, the metric, the filter, the
 * selected row and the callers view, drawn as the screen's lines. No terminal here: {@code TopScreen} owns it, reads
 * the keys and puts the lines on the screen.
 */
final class TopView {
    /** What the screen shows of the run besides the samples; called on the screen's thread. */
    interface RunView {
        /** The target, for the title: {@code pid 42 · Python 3.11.7}. */
        String target();

        /** The run's counters, or null before it is attached. */
        SamplerStats stats();

        /** Time since sampling started. */
        Duration elapsed();

        /** Null while sampling goes on; else what ended it, shown until q. */
        String ended();

        /** Whether the run failed: the screen then closes at once (the caller reports the failure). */
        boolean failed();
    }

    /** What a key does. */
    enum Op {
        NONE, QUIT, UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END, SORT, WINDOW, SCOPE, SCOPE_BACK, METRIC, PAUSE,
        SEARCH, ENTER, BACK, REDRAW
    }

    /** A drawn screen: its lines, and the cursor's position ({@code row * columns + column}; -1: hidden). */
    record Frame(List<AttributedString> lines, int cursor) {
    }

    private static final AttributedStyle INVERSE = AttributedStyle.DEFAULT.inverse();
    private static final AttributedStyle BOLD = AttributedStyle.DEFAULT.bold();
    private static final AttributedStyle FAINT = AttributedStyle.DEFAULT.faint();

    private final TopModel model;
    private final RunView run;
    /** Whether the terminal takes UTF-8: else the view sticks to ASCII (JLine would print '?' for the rest). */
    private final boolean unicode;
    private final String ellipsis;
    private final String cwd = System.getProperty("user.dir", "") + "/";

    private Map<ThreadKey, TopTally> window = Map.of();
    private boolean sinceStart;
    private boolean paused;
    private Sort sort = Sort.OWN;
    private Scope scope = Scope.ALL;
    private int metric;
    private String filter = "";
    private StringBuilder search; // non-null while the search line is being typed
    private Fn callersOf; // non-null in the callers view
    private int selected;
    private int top;
    private Fn selectedFn;
    private int callerSelected;
    private int callerTop;
    private double rate;
    private long lastSamples;
    private long lastTick;

    /** A view of {@code model} and {@code run}, its seconds counted from {@code now} (System.nanoTime). */
    TopView(TopModel model, RunView run, boolean unicode, long now) {
        this.model = model;
        this.run = run;
        this.unicode = unicode;
        this.ellipsis = unicode ? "\u2026" : "~";
        this.lastTick = now;
    }

    /** Whether the search line is being typed: keys then go to {@link #searchKey(int)}. */
    boolean searching() {
        return search != null;
    }

    /** Closes the model's second, and takes the new window unless paused. */
    void tick(long now) {
        model.tick();
        SamplerStats s = run.stats();
        long samples = s == null ? 0 : s.samples();
        double seconds = (now - lastTick) / 1e9;
        rate = seconds > 0 ? (samples - lastSamples) / seconds : 0;
        lastSamples = samples;
        lastTick = now;
        if (!paused) {
            window = model.window(sinceStart);
        }
    }

    /** A key typed on the search line: false when nothing changed. */
    boolean searchKey(int c) {
        if (c == '\r' || c == '\n') {
            filter = search.toString();
            search = null;
        } else if (c == 27) { // Esc: no filter (the screen has swallowed an arrow key's sequence)
            filter = "";
            search = null;
        } else if (c == 127 || c == 8) {
            if (search.length() > 0) {
                search.setLength(search.length() - 1);
            }
            filter = search.toString();
        } else if (c >= 32) {
            search.appendCodePoint(c);
            filter = search.toString();
        } else {
            return false;
        }
        selected = 0;
        top = 0;
        return true;
    }

    /** Applies a key's operation; {@code rows} is the screen's height (a page is that less the fixed lines). */
    void key(Op op, int rows) {
        int page = Math.max(1, rows - 4);
        switch (op) {
            case UP -> move(-1);
            case DOWN -> move(1);
            case PAGE_UP -> move(-page);
            case PAGE_DOWN -> move(page);
            case HOME -> move(-Integer.MAX_VALUE / 2);
            case END -> move(Integer.MAX_VALUE / 2);
            case SORT -> {
                sort = sort.next();
                selected = 0;
                top = 0;
                selectedFn = null;
            }
            case WINDOW -> {
                sinceStart = !sinceStart;
                if (!paused) {
                    window = model.window(sinceStart);
                }
            }
            case SCOPE, SCOPE_BACK -> {
                List<Scope> scopes = TopTable.scopes(model.threads());
                int i = scopes.indexOf(scope);
                int n = scopes.size();
                scope = scopes.get(((i < 0 ? 0 : i) + (op == Op.SCOPE ? 1 : n - 1)) % n);
                selected = 0;
                top = 0;
                selectedFn = null;
            }
            case METRIC -> metric = (metric + 1) % model.metrics().size();
            case PAUSE -> {
                paused = !paused;
                if (!paused) {
                    window = model.window(sinceStart);
                }
            }
            case SEARCH -> {
                if (callersOf == null) {
                    search = new StringBuilder(filter);
                }
            }
            case ENTER -> {
                if (callersOf == null && selectedFn != null) {
                    callersOf = selectedFn;
                    callerSelected = 0;
                    callerTop = 0;
                }
            }
            case BACK -> {
                if (callersOf != null) {
                    callersOf = null;
                } else if (!filter.isEmpty() && op == Op.BACK) {
                    filter = "";
                }
            }
            default -> {
            }
        }
    }

    private void move(int by) {
        if (callersOf != null) {
            callerSelected = Math.max(0, (int) Math.min((long) callerSelected + by, Integer.MAX_VALUE / 4));
        } else {
            selected = Math.max(0, (int) Math.min((long) selected + by, Integer.MAX_VALUE / 4));
            selectedFn = null; // the row index leads now; draw() clamps it and picks the function
        }
    }

    /** The screen's lines for a terminal of {@code rows} by {@code columns}; null when it has no room at all. */
    Frame draw(int rows, int columns) {
        if (rows < 1 || columns < 1) {
            return null;
        }
        List<Metric> metrics = model.metrics();
        if (metric >= metrics.size()) {
            metric = 0;
        }
        Metric m = metrics.get(metric);
        TopTally tally = TopTable.sum(window, scope);
        List<AttributedString> lines = new ArrayList<>(rows);
        lines.add(title(m, columns));
        lines.add(status(columns));
        int body = Math.max(0, rows - 4);
        if (callersOf != null) {
            drawCallers(lines, tally, m, body, columns);
        } else {
            drawTable(lines, tally, m, body, columns);
        }
        while (lines.size() < rows - 1) {
            lines.add(AttributedString.EMPTY);
        }
        int cursor = -1;
        if (rows >= 2) {
            AttributedString footer = footer(columns - 1);
            lines.add(footer);
            if (search != null) {
                cursor = (rows - 1) * columns + Math.min(footer.columnLength(), columns - 1);
            }
        }
        while (lines.size() > rows) {
            lines.remove(lines.size() - 1);
        }
        return new Frame(lines, cursor);
    }

    private AttributedString title(Metric m, int columns) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.append(ascii(run.target())).append("  ");
        b.append(m.title(), BOLD).append("  ");
        b.append(sinceStart ? "since start" : "last " + model.windowSeconds() + " s").append("  ");
        b.append(scope.label()).append("  sort: ").append(sort.label());
        if (!filter.isEmpty()) {
            b.append("  /").append(filter);
        }
        if (paused) {
            b.append("  ").append("PAUSED", INVERSE);
        }
        return fit(b.toAttributedString(), columns);
    }

    /** {@code text} as the terminal can show it. */
    private String ascii(String text) {
        return unicode ? text : text.replace("\u00b5", "u").replace("\u00b7", "-").replace("\u2026", "~");
    }

    private AttributedString status(int columns) {
        SamplerStats s = run.stats();
        String left;
        if (s == null) {
            left = "attaching...";
        } else {
            long n = Math.max(1, s.samples());
            left = String.format(Locale.ROOT, "%,.0f samples/s  invalid %.2f %%  saturated %.2f %%  late %d",
                    rate, 100.0 * s.errors() / n, 100.0 * s.saturated() / n, s.lateTicks());
        }
        String ended = run.ended();
        long secs = run.elapsed().toSeconds();
        String clock = String.format(Locale.ROOT, "%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60);
        AttributedStringBuilder right = new AttributedStringBuilder();
        if (ended != null) {
            right.append(ended, INVERSE);
        } else {
            right.append("running " + clock);
        }
        AttributedString r = right.toAttributedString();
        int room = columns - r.columnLength() - 1;
        if (room < 8) {
            return fit(r, columns);
        }
        AttributedString l = fit(new AttributedString(left), room);
        AttributedStringBuilder b = new AttributedStringBuilder().append(l);
        b.append(" ".repeat(columns - l.columnLength() - r.columnLength())).append(r);
        return b.toAttributedString();
    }

    private void drawTable(List<AttributedString> lines, TopTally tally, Metric m, int body, int columns) {
        List<Row> rows = TopTable.rows(tally, metric, sort, filter);
        lines.add(fit(new AttributedString(pad(String.format(Locale.ROOT, "%7s %7s %9s %9s  %s", "OWN %",
                "TOTAL %", "OWN", "TOTAL", "FUNCTION  FILE:LINE"), columns), INVERSE), columns));
        if (selectedFn != null) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).fn().equals(selectedFn)) {
                    selected = i;
                    break;
                }
            }
        }
        selected = Math.max(0, Math.min(selected, rows.size() - 1));
        top = scroll(top, selected, body);
        selectedFn = rows.isEmpty() ? null : rows.get(selected).fn();
        for (int i = top; i < Math.min(rows.size(), top + body); i++) {
            Row r = rows.get(i);
            String numbers = String.format(Locale.ROOT, "%7.2f %7.2f %9s %9s  ", r.selfPercent(), r.totalPercent(),
                    TopTable.value(r.self(), m), TopTable.value(r.total(), m));
            String where = r.where().startsWith(cwd) ? r.where().substring(cwd.length()) : r.where();
            lines.add(line(ascii(numbers), r.fn().scope(), where, columns, i == selected));
        }
        if (rows.isEmpty()) {
            lines.add(new AttributedString(run.stats() == null ? "  waiting for the first samples..."
                    : filter.isEmpty() ? "  no samples in this window" : "  no function matches /" + filter, FAINT));
        }
    }

    private void drawCallers(List<AttributedString> lines, TopTally tally, Metric m, int body, int columns) {
        TopTally.Cost cost = tally.functions.get(callersOf);
        long total = cost == null ? 0 : cost.total[metric];
        String head = "callers of " + callersOf.scope() + "  " + ascii(TopTable.value(total, m)) + " in "
                + (callersOf.file().startsWith(cwd) ? callersOf.file().substring(cwd.length()) : callersOf.file())
                + (cost == null ? "" : ":" + cost.line) + "  (Esc: back)";
        lines.add(fit(new AttributedString(pad(head, columns), INVERSE), columns));
        List<Caller> callers = TopTable.callers(tally, metric, callersOf);
        callerSelected = Math.max(0, Math.min(callerSelected, callers.size() - 1));
        callerTop = scroll(callerTop, callerSelected, body);
        for (int i = callerTop; i < Math.min(callers.size(), callerTop + body); i++) {
            Caller c = callers.get(i);
            String numbers = String.format(Locale.ROOT, "%7.2f %9s  ", c.share(), TopTable.value(c.value(), m));
            StringBuilder path = new StringBuilder();
            for (Fn f : c.path()) {
                if (path.length() > 0) {
                    path.append(" > ");
                }
                path.append(f.scope());
            }
            int room = columns - numbers.length();
            String p = path.toString();
            p = p.length() > room && room > 1 ? ellipsis + p.substring(p.length() - room + 1) : p;
            String text = ascii(numbers) + p;
            lines.add(fit(i == callerSelected ? new AttributedString(pad(text, columns), INVERSE)
                    : new AttributedString(text), columns));
        }
        if (callers.isEmpty()) {
            lines.add(new AttributedString("  no samples of " + callersOf.scope() + " in this window", FAINT));
        }
    }

    private AttributedString footer(int columns) {
        if (search != null) {
            return fit(new AttributedString("/" + search), columns);
        }
        String keysHelp = callersOf != null ? "Esc back  arrows move  w window  t scope  m metric  p pause  q quit"
                : "q quit  s sort  w window  t scope  / search  Enter callers  p pause  m metric";
        return fit(new AttributedString(keysHelp, FAINT), columns);
    }

    /** A table row: the numbers, the function's name, and its file:line shortened on the left to fit. */
    private AttributedString line(String numbers, String name, String where, int columns, boolean selected) {
        int room = columns - numbers.length();
        String place = where;
        int placeRoom = Math.max(16, room - name.length() - 2);
        if (place.length() > placeRoom) {
            place = ellipsis + place.substring(place.length() - placeRoom + 1);
        }
        int nameRoom = room - 2 - place.length();
        if (name.length() > nameRoom && nameRoom > 1) {
            name = name.substring(0, nameRoom - 1) + ellipsis; // the file:line stays readable
        }
        AttributedStringBuilder b = new AttributedStringBuilder();
        AttributedStyle base = selected ? INVERSE : AttributedStyle.DEFAULT;
        b.append(numbers, base).append(name, selected ? INVERSE.bold() : BOLD).append("  ", base)
                .append(place, selected ? base : FAINT);
        if (selected) {
            b.append(" ".repeat(Math.max(0, columns - b.columnLength())), base);
        }
        return fit(b.toAttributedString(), columns);
    }

    private static int scroll(int top, int selected, int body) {
        if (body <= 0) {
            return selected;
        }
        if (selected < top) {
            return selected;
        }
        if (selected >= top + body) {
            return selected - body + 1;
        }
        return top;
    }

    private static String pad(String s, int columns) {
        return s.length() >= columns ? s : s + " ".repeat(columns - s.length());
    }

    private AttributedString fit(AttributedString s, int columns) {
        if (s.columnLength() <= columns) {
            return s;
        }
        if (columns <= 1) {
            return s.columnSubSequence(0, Math.max(0, columns));
        }
        AttributedStringBuilder b = new AttributedStringBuilder().append(s.columnSubSequence(0, columns - 1));
        return b.append(ellipsis).toAttributedString();
    }
}
