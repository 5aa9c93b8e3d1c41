package io.austin.sampler;

/**
 * Where a target process keeps its CPython runtime, and which CPython it is.
 *
 * @param pid the target process
 * @param major the major version (3)
 * @param minor the minor version, e.g. 11
 * @param micro the patch level, or -1 if it could not be told (3.8 to 3.10 without a version word)
 * @param versionHex {@code PY_VERSION_HEX} as read from the target, or 0 if unknown
 * @param runtimeAddress the remote address of {@code _PyRuntime}
 * @param codeTypeAddress the remote address of {@code PyCode_Type}, or 0 if unknown
 * @param unicodeTypeAddress the remote address of {@code PyUnicode_Type}, or 0 if unknown
 * @param binaryPath the path (as the target sees it) of the file that defines {@code _PyRuntime}
 * @param sharedLibrary true if that file is a shared {@code libpython}, false for a static executable
 */
public record PythonRuntime(int pid, int major, int minor, int micro, long versionHex, long runtimeAddress,
        long codeTypeAddress, long unicodeTypeAddress, String binaryPath, boolean sharedLibrary) {

    /** Checks the path is present; the numbers are what the target holds and are not second-guessed here. */
    public PythonRuntime {
        java.util.Objects.requireNonNull(binaryPath, "binaryPath");
    }

    /** The version as text: {@code "3.11.7"}, or {@code "3.9.?"} when the patch level is unknown. */
    public String version() {
        return major + "." + minor + "." + (micro < 0 ? "?" : Integer.toString(micro));
    }

    /** True if this runtime is at least {@code major.minor}, for choosing a memory layout. */
    public boolean isAtLeast(final int wantMajor, final int wantMinor) {
        return major > wantMajor || major == wantMajor && minor >= wantMinor;
    }
}
