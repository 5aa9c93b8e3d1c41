package io.austin.formats.mojo;

/** MOJO constants (spec Part B): magic, versions, event ids. */
final class Mojo {
    static final byte[] MAGIC = {'M', 'O', 'J'};
    /** The version Austin 3.6–3.7 writes, and the one {@link MojoWriter} writes. */
    static final int WRITE_VERSION = 3;
    static final int MAX_READ_VERSION = 4;

    static final int METADATA = 1;
    static final int STACK = 2;
    static final int FRAME = 3;
    static final int FRAME_INVALID = 4;
    static final int FRAME_REF = 5;
    static final int FRAME_KERNEL = 6;
    static final int GC = 7;
    static final int IDLE = 8;
    static final int METRIC_TIME = 9;
    static final int METRIC_MEMORY = 10;
    static final int STRING = 11;
    static final int STRING_REF = 12;
    static final int STACK_REPEAT = 13;
    static final int TASK_STACK = 14;
    static final int TASK_WAITER = 15;

    /** String key 1 means {@code <unknown>} without a definition (austin-python hard-codes it). */
    static final long UNKNOWN_STRING_KEY = 1;
    static final String UNKNOWN = "<unknown>";

    /**
     * Whether a frame of {@code file} is "native" to a v4 reader expanding STACK_REPEAT (B.15): neither a {@code .py}
     * file nor a {@code <...>} pseudo-file. Readers drop such frames from the leaf end of the repeated stack, so a
     * writer must not repeat a stack that ends in one.
     */
    static boolean isNativeFile(String file) {
        return !(file.endsWith(".py") || (file.startsWith("<") && file.endsWith(">")));
    }

    private Mojo() {
    }

    static String eventName(int id) {
        switch (id) {
            case METADATA: return "METADATA";
            case STACK: return "STACK";
            case FRAME: return "FRAME";
            case FRAME_INVALID: return "FRAME_INVALID";
            case FRAME_REF: return "FRAME_REF";
            case FRAME_KERNEL: return "FRAME_KERNEL";
            case GC: return "GC";
            case IDLE: return "IDLE";
            case METRIC_TIME: return "METRIC_TIME";
            case METRIC_MEMORY: return "METRIC_MEMORY";
            case STRING: return "STRING";
            case STRING_REF: return "STRING_REF";
            case STACK_REPEAT: return "STACK_REPEAT";
            case TASK_STACK: return "TASK_STACK";
            case TASK_WAITER: return "TASK_WAITER";
            default: return "event " + id;
        }
    }
}
