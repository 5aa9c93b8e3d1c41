package io.austin.bin;

import io.austin.bin.TopView.Op;
import io.austin.bin.TopView.RunView;
import java.io.IOException;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * austin-top's full-screen view, on JLine: the only class that touches the terminal (so that austin itself never
 * loads JLine). It owns the screen's thread: every second it closes the model's second and redraws; in between it
 * reads keys. The terminal is put back as it was (raw mode, alternate screen, keypad and cursor) whatever happens.
 */
final class TopScreen implements AutoCloseable {
    private static final long SECOND_NANOS = 1_000_000_000L;
    private static final long POLL_MILLIS = 100; // the longest a resize waits for its redraw

    private final Terminal terminal;
    private final Attributes original;
    private final TopModel model;
    private final RunView run;
    private final Display display;
    private final BindingReader keys;
    private final KeyMap<Op> keyMap = new KeyMap<>();
    /** Whether the terminal takes UTF-8: else the view sticks to ASCII (JLine would print '?' for the rest). */
    private final boolean unicode;
    private TopView view;
    private volatile boolean resized;
    private volatile boolean interrupted;
    private boolean closed;

    private TopScreen(Terminal terminal, TopModel model, RunView run) {
        this.terminal = terminal;
        this.model = model;
        this.run = run;
        // Raw input, and no signal from ^C: it is a key that quits cleanly (the started command is stopped then).
        this.original = terminal.enterRawMode();
        Attributes raw = terminal.getAttributes();
        raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
        terminal.setAttributes(raw);
        this.display = new Display(terminal, true);
        this.keys = new BindingReader(terminal.reader());
        this.unicode = terminal.encoding().name().startsWith("UTF");
        bindKeys();
    }

    /**
     * Opens the process's terminal in full-screen mode.
     *
     * @throws ToolException when standard input and output are not a terminal
     */
    static TopScreen open(TopModel model, RunView run) throws ToolException {
        Terminal terminal;
        try {
            // The deprecated providers (JNA, Jansi) would warn on standard error; the JNI one (or FFM on new JVMs,
            // or stty as a last resort) is what JLine recommends.
            terminal = TerminalBuilder.builder().system(true).dumb(false).jna(false).jansi(false)
                    .nativeSignals(true).build();
        } catch (IOException | IllegalStateException e) {
            throw new ToolException(ExitCodes.USAGE, "standard input and output must be a terminal (to record "
                    + "without one, use austin -o FILE)", e);
        }
        if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            close(terminal);
            throw new ToolException(ExitCodes.USAGE, "the terminal cannot show a full-screen view (TERM="
                    + System.getenv("TERM") + ")", null);
        }
        return new TopScreen(terminal, model, run);
    }

    private static void close(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException ignored) {
            // nothing left to restore
        }
    }

    private void bindKeys() {
        keyMap.setNomatch(Op.NONE);
        keyMap.setAmbiguousTimeout(150); // a lone Esc, against the start of an arrow key's sequence
        keyMap.bind(Op.QUIT, "q", "Q", KeyMap.ctrl('C'));
        bind(Op.UP, Capability.key_up, "\033[A", "\033OA", "k");
        bind(Op.DOWN, Capability.key_down, "\033[B", "\033OB", "j");
        bind(Op.PAGE_UP, Capability.key_ppage, "\033[5~");
        bind(Op.PAGE_DOWN, Capability.key_npage, "\033[6~", " ");
        bind(Op.HOME, Capability.key_home, "\033[H", "\033OH", "\033[1~", "g");
        bind(Op.END, Capability.key_end, "\033[F", "\033OF", "\033[4~", "G");
        keyMap.bind(Op.SORT, "s");
        keyMap.bind(Op.WINDOW, "w");
        keyMap.bind(Op.SCOPE, "t");
        keyMap.bind(Op.SCOPE_BACK, "T");
        keyMap.bind(Op.METRIC, "m");
        keyMap.bind(Op.PAUSE, "p", "P");
        keyMap.bind(Op.SEARCH, "/");
        keyMap.bind(Op.ENTER, "\r", "\n");
        keyMap.bind(Op.BACK, KeyMap.esc(), KeyMap.del(), "\b");
        bind(Op.BACK, Capability.key_left, "\033[D", "\033OD");
        keyMap.bind(Op.REDRAW, KeyMap.ctrl('L'));
    }

    private void bind(Op op, Capability key, String... also) {
        String sequence = KeyMap.key(terminal, key);
        if (sequence != null && !sequence.isEmpty()) {
            keyMap.bind(op, sequence);
        }
        keyMap.bind(op, also);
    }

    /** Shows the view until q (or the run fails). */
    void run() throws IOException {
        terminal.handle(Terminal.Signal.WINCH, s -> resized = true);
        terminal.handle(Terminal.Signal.INT, s -> interrupted = true);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        Size size = terminal.getSize();
        display.clear();
        display.resize(size.getRows(), size.getColumns());
        long nextTick = System.nanoTime() + SECOND_NANOS;
        view = new TopView(model, run, unicode, System.nanoTime());
        boolean dirty = true;
        while (!interrupted && !run.failed()) {
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                view.tick(now);
                nextTick += SECOND_NANOS;
                if (now - nextTick >= 0) {
                    nextTick = now + SECOND_NANOS; // the screen fell behind (a stopped terminal): no catch-up burst
                }
                dirty = true;
            }
            if (resized) {
                resized = false;
                size = terminal.getSize();
                display.clear();
                display.resize(size.getRows(), size.getColumns());
                dirty = true;
            }
            if (dirty) {
                draw(size.getRows(), size.getColumns());
                dirty = false;
            }
            long wait = Math.max(1, Math.min(POLL_MILLIS, (nextTick - System.nanoTime()) / 1_000_000));
            int c = keys.peekCharacter(wait);
            if (c == NonBlockingReader.EOF) {
                return;
            }
            if (c == NonBlockingReader.READ_EXPIRED) {
                continue;
            }
            if (view.searching()) {
                int typed = keys.readCharacter();
                if (typed == 27) { // Esc, or an arrow key's sequence: swallowed whole
                    while (keys.peekCharacter(30) >= 0) {
                        keys.readCharacter();
                    }
                }
                if (!view.searchKey(typed)) {
                    continue;
                }
            } else {
                Op op = keys.readBinding(keyMap, null, false);
                if (op == Op.QUIT) {
                    return;
                }
                if (op == Op.REDRAW) {
                    display.clear();
                    display.resize(size.getRows(), size.getColumns());
                }
                if (op != null) {
                    view.key(op, size.getRows());
                }
            }
            dirty = true;
        }
    }

    private void draw(int rows, int columns) {
        TopView.Frame frame = view.draw(rows, columns);
        if (frame == null) {
            return;
        }
        terminal.puts(view.searching() ? Capability.cursor_normal : Capability.cursor_invisible);
        display.update(frame.lines(), Math.max(0, frame.cursor()));
        terminal.flush();
    }

    /** Leaves full-screen mode and puts the terminal back as it was. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            terminal.puts(Capability.cursor_normal);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(original);
        } finally {
            close(terminal);
        }
    }
}
