package io.austin.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelTest {
    @Test
    void headerEncodesNativeThreadIdInHex() {
        StackHeader h = StackHeader.of(22236, 0, 22236);
        assertEquals("56dc", h.tid());
        assertTrue(h.hasIid());
        assertFalse(new StackHeader(1, StackHeader.NO_IID, "1").hasIid());
    }

    @Test
    void framesAreValues() {
        assertEquals(Frame.of("a.py", "f", 3), new Frame("a.py", "f", 3, 0, 0, 0));
        assertThrows(NullPointerException.class, () -> Frame.of(null, "f", 1));
    }
}
