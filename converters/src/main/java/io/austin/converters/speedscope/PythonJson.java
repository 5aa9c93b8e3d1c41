package io.austin.converters.speedscope;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

/** Makes Jackson print exactly what Python's {@code json.dump} prints (ensure_ascii, default separators). */
final class PythonJson {
    private PythonJson() {
    }

    /**
     * Python escapes every character outside {@code ' '..'~'}: the five short forms {@code \b \f \n \r \t}, the
     * rest as {@code \\u} and four lower-case hex digits (Jackson would print upper case), non-BMP characters as
     * two escaped surrogates (Jackson sees UTF-16 units, so that comes for free).
     */
    static final class Escapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final char[] HEX = "0123456789abcdef".toCharArray();
        private final int[] ascii;

        Escapes() {
            ascii = standardAsciiEscapesForJSON();
            for (int c = 0; c < 0x20; c++) {
                if (c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            ascii[0x7F] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            char[] s = {'\\', 'u', HEX[(ch >> 12) & 0xF], HEX[(ch >> 8) & 0xF], HEX[(ch >> 4) & 0xF], HEX[ch & 0xF]};
            return new SerializedString(new String(s));
        }
    }

    /**
     * Python's layout: {@code ", "} and {@code ": "} on one line by default; with an indent, every item on its own
     * line, {@code ","} between items, {@code ": "} after keys, empty containers as {@code []} / {@code {}}.
     */
    static final class Printer implements PrettyPrinter {
        private final String indent;
        private int level;

        /** @param indent spaces per level, or negative for the single-line layout */
        Printer(int indent) {
            this.indent = indent < 0 ? null : " ".repeat(indent);
        }

        private void newline(JsonGenerator g, int depth) throws IOException {
            g.writeRaw('\n');
            for (int i = 0; i < depth; i++) {
                g.writeRaw(indent);
            }
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(' ');
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            level++;
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            level--;
            if (indent != null && entries > 0) {
                newline(g, level);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            separator(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            level++;
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            level--;
            if (indent != null && values > 0) {
                newline(g, level);
            }
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            separator(g);
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (indent != null) {
                newline(g, level);
            }
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            if (indent != null) {
                newline(g, level);
            }
        }

        private void separator(JsonGenerator g) throws IOException {
            if (indent == null) {
                g.writeRaw(", ");
            } else {
                g.writeRaw(',');
                newline(g, level);
            }
        }
    }
}
