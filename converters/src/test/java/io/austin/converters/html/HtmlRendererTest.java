package io.austin.converters.html;

import static io.austin.converters.html.CallTreeTest.profile;
import static io.austin.converters.html.CallTreeTest.wall;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.austin.converters.Conversions;
import io.austin.converters.Profiles;
import io.austin.converters.profile.Profile;
import io.austin.formats.Compat;
import io.austin.formats.Fixtures;
import io.austin.formats.ThreadKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page: self-contained, its data block well-formed and safe, pruned boxes exact, the stream step the same. */
class HtmlRendererTest {
    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"austin-data\">(.*?)</script>", Pattern.DOTALL);

    static String page(Profile p, HtmlOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HtmlRenderer.write(p, options, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The page's data block, as the tokens Jackson reads (which fails if it is not JSON). */
    static List<String> tokens(String page) throws IOException {
        Matcher m = DATA.matcher(page);
        assertTrue(m.find(), "a data block");
        List<String> out = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(m.group(1))) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                out.add(t == JsonToken.START_ARRAY ? "[" : t == JsonToken.END_ARRAY ? "]" : p.getText());
            }
        }
        return out;
    }

    @Test
    void thePageIsSelfContainedAndAFrameCannotBreakOutOfIt() throws IOException {
        ThreadKey t = new ThreadKey(7, 0, "1");
        Profile p = profile("wall", wall(t, 10, "main:1", "</script><img src=x onerror=alert(1)>:2"),
                wall(t, 5, "main:1", "\u2028odd \"name\"\\:3"));
        String html = page(p, HtmlOptions.defaults().withTitle("<b>mine</b>"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(2, count(html, "</script>"), "only the two script elements end");
        assertEquals(2, count(html, "<script"), "no script element from the data");
        assertFalse(html.contains("<img"), "no element from the data");
        assertTrue(html.contains("<title>&lt;b&gt;mine&lt;/b&gt;</title>"));
        for (String remote : List.of("http:", "https:", "//cdn", "fetch(", "XMLHttpRequest", "import(", "src=\"",
                "@import", "url(")) {
            assertFalse(html.contains(remote), "no " + remote);
        }
        assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
        List<String> tokens = tokens(html);
        assertTrue(tokens.contains("</script><img src=x onerror=alert(1)>"), tokens.toString());
        assertTrue(tokens.contains("\u2028odd \"name\"\\"), tokens.toString());
    }

    @Test
    void prunedChildrenBecomeOneBoxOfTheirSum() throws IOException {
        ThreadKey t = new ThreadKey(7, 0, "1");
        Profile p = profile("wall", wall(t, 9000, "main:1", "big:2"), wall(t, 3, "main:1", "tiny:3"),
                wall(t, 4, "main:1", "small:4", "leaf:5"), wall(t, 993, "main:1"));
        // By default everything is kept. 0.1 %: tiny (0.03 %) and small (0.04 %) go, into one box of 7 and 2 samples.
        String all = page(p, HtmlOptions.defaults());
        assertTrue(tokens(all).contains("tiny"));
        String pruned = page(p, HtmlOptions.defaults().withMinShare(0.001));
        List<String> tokens = tokens(pruned);
        assertFalse(tokens.contains("tiny") || tokens.contains("small") || tokens.contains("leaf"), tokens.toString());
        // [-1, samples, value]: the pruned box, a child of main.
        String data = String.join(" ", tokens);
        assertTrue(data.contains("[ -1 2 7 ]"), data);
        assertTrue(data.contains("threads [ [ 7 0:1 [ -2 4 10000 [ 0 4 10000 [ 1 1 9000 ] [ -1 2 7 ] ] ] ] ]"), data);
    }

    @Test
    void theStreamStepWritesWhatTheRendererWrites() throws IOException {
        byte[] mojo = Fixtures.bytes(Fixtures.root().resolve("v3/two_threads.full.py311.mojo"));
        Profile p = Conversions.readProfile(() -> new ByteArrayInputStream(mojo), Compat.NONE)
                .as(Profiles.aggregate()).block();
        HtmlOptions options = HtmlOptions.defaults().withTitle("two threads");
        byte[] expected = page(p, options).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Conversions.readProfile(() -> new ByteArrayInputStream(mojo), Compat.NONE)
                .as(Conversions.writeTo(Conversions.toHtml(options), out)).block();
        assertArrayEquals(expected, out.toByteArray());
        String data = String.join(" ", tokens(new String(expected, StandardCharsets.UTF_8)));
        assertTrue(data.contains("CPU time us ] [ Wall time us ] [ Memory allocation B ] [ Memory deallocation B ]"),
                data);

        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        Conversions.readProfile(() -> new ByteArrayInputStream(mojo), Compat.NONE)
                .as(Conversions.writeTo(Conversions.toHtmlDiff(p, options), diff)).block();
        String d = String.join(" ", tokens(diff.toString(StandardCharsets.UTF_8)));
        assertTrue(d.contains("kind diff"), d);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
