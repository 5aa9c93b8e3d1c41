package io.austin.bin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.austin.formats.Frame;
import io.austin.formats.FrameRef;
import io.austin.formats.Metadata;
import io.austin.formats.Sample;
import io.austin.formats.ThreadKey;
import io.austin.sampler.SamplerStats;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** austin-top's screen as lines, and its keys, without a terminal. */
class TopViewTest {
    private static final ThreadKey A = ThreadKey.of(10, 0, 11);
    private static final FrameRef MAIN = FrameRef.of(Frame.of("app.py", "main", 5));
    private static final FrameRef HOT = FrameRef.of(Frame.of("app.py", "hot", 10));
    private static final FrameRef WARM = FrameRef.of(Frame.of("lib.py", "warm", 20));

    /** A run that is attached, 1:02:03 in, 1,000 samples of which 10 invalid. */
    private static final TopView.RunView RUN = new TopView.RunView() {
        @Override
        public String target() {
            return "pid 42 \u00b7 Python 3.11.7";
        }

        @Override
        public SamplerStats stats() {
            return new SamplerStats(1_000, 10, 0, 0, 0, 0, 1_000, 0, 0, 0, 0, 1);
        }

        @Override
        public Duration elapsed() {
            return Duration.ofSeconds(3723);
        }

        @Override
        public String ended() {
            return null;
        }

        @Override
        public boolean failed() {
            return false;
        }
    };

    private static TopView view(boolean unicode) {
        TopModel m = new TopModel(10);
        m.accept(new Metadata("austin", "3.7.0"));
        m.accept(new Metadata("mode", "wall"));
        m.accept(Sample.timed(A, List.of(MAIN, HOT), 0, 600));
        m.accept(Sample.timed(A, List.of(MAIN, WARM), 0, 300));
        m.accept(Sample.timed(A, List.of(MAIN), 0, 100));
        TopView v = new TopView(m, RUN, unicode, 0);
        v.tick(1_000_000_000L);
        return v;
    }

    private static List<String> text(TopView.Frame f) {
        return f.lines().stream().map(AttributedString::toString).collect(Collectors.toList());
    }

    @Test
    void drawsTitleStatusHeaderRowsAndKeysInTheScreensSize() {
        TopView.Frame f = view(true).draw(8, 100);
        List<String> lines = text(f);
        assertEquals(8, lines.size());
        assertTrue(lines.get(0).startsWith("pid 42 \u00b7 Python 3.11.7  "), lines.get(0));
        assertTrue(lines.get(1).contains("samples/s") && lines.get(1).contains("invalid 1.00 %")
                && lines.get(1).endsWith("running 1:02:03"), lines.get(1));
        assertTrue(lines.get(2).contains("OWN %") && lines.get(2).contains("FUNCTION  FILE:LINE"), lines.get(2));
        assertTrue(lines.get(3).contains("60.00") && lines.get(3).contains("hot"), "sorted by own time: " + lines);
        assertTrue(lines.get(4).contains("warm") && lines.get(4).contains("lib.py:20"), lines.get(4));
        assertTrue(lines.get(5).contains("main"), lines.get(5));
        assertTrue(lines.get(7).startsWith("q quit"), lines.get(7));
        assertEquals(-1, f.cursor(), "no cursor outside the search line");
        for (String l : lines) {
            assertTrue(l.length() <= 100, l);
        }
        assertNull(view(true).draw(0, 80), "no room, nothing drawn");
    }

    @Test
    void searchTypedFiltersAndEscClearsIt() {
        TopView v = view(true);
        v.key(TopView.Op.SEARCH, 8);
        assertTrue(v.searching());
        for (char c : "wa".toCharArray()) {
            assertTrue(v.searchKey(c));
        }
        TopView.Frame typing = v.draw(8, 60);
        assertEquals("/wa", text(typing).get(7));
        assertEquals(7 * 60 + 3, typing.cursor(), "the cursor after the typed text");
        assertFalse(v.searchKey(1), "a control key changes nothing");
        assertTrue(v.searchKey('\r'));
        assertFalse(v.searching());
        List<String> filtered = text(v.draw(8, 120));
        assertTrue(filtered.get(0).contains("/wa"), filtered.get(0));
        assertTrue(filtered.get(3).contains("warm"), filtered.toString());
        assertEquals("", filtered.get(4), "one function matches");
        v.key(TopView.Op.SEARCH, 8);
        v.searchKey(27);
        assertFalse(text(v.draw(8, 120)).get(0).contains("/wa"), "Esc: no filter");
    }

    @Test
    void enterShowsTheSelectedFunctionsCallersAndBackReturns() {
        TopView v = view(true);
        v.draw(8, 80); // selects the first row: hot
        v.key(TopView.Op.ENTER, 8);
        List<String> callers = text(v.draw(8, 80));
        assertTrue(callers.get(2).startsWith("callers of hot"), callers.get(2));
        assertTrue(callers.get(3).contains("100.00") && callers.get(3).contains("main > hot"), callers.get(3));
        assertTrue(callers.get(7).startsWith("Esc back"), callers.get(7));
        v.key(TopView.Op.BACK, 8);
        assertTrue(text(v.draw(8, 80)).get(2).contains("OWN %"));
    }

    @Test
    void sortPauseAndAsciiTerminals() {
        TopView v = view(false);
        v.key(TopView.Op.SORT, 8);
        v.key(TopView.Op.PAUSE, 8);
        List<String> lines = text(v.draw(8, 100));
        assertTrue(lines.get(0).startsWith("pid 42 - Python 3.11.7"), "ASCII only: " + lines.get(0));
        assertTrue(lines.get(0).contains("PAUSED"), lines.get(0));
        assertTrue(lines.get(3).contains("main"), "sorted by total time: " + lines);
        List<String> narrow = text(v.draw(8, 20));
        assertTrue(narrow.get(0).endsWith("~") && narrow.get(0).length() == 20, narrow.get(0));
    }
}
