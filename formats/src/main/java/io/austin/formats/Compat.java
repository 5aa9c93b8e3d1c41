package io.austin.formats;

/**
 * Which reference tool's defects to reproduce. By default nothing is reproduced: no sample is ever dropped and
 * nothing is mangled. The compat settings exist to produce output byte-identical to the reference converters
 * (spec Part C and D), for users who compare or who feed tools that expect the reference's output.
 */
public enum Compat {
    /** Our behaviour: every sample and marker is kept. */
    NONE,
    /**
     * austin-python 1.7.1 (the converters matching Austin 3.7): {@code mojo2austin} loses the metrics of a full-mode
     * file's last sample when no metadata follows it and prints {@code STRING_REF} text; the text reader of
     * {@code austin2speedscope}/{@code austin2pprof} drops the first line after the header, drops samples with
     * {@code :INVALID:} or {@code :GC:}, skips malformed lines and rewrites {@code ;L<digits>}.
     */
    AUSTIN_PYTHON_1_7,
    /**
     * austin-python 2.2.0 {@code mojo2austin}: each sample is printed when the next one starts, so the last comes
     * after the footer; {@code :INVALID:} and {@code :GC:} are dropped; full mode prints only the time.
     */
    AUSTIN_PYTHON_2_2
}
