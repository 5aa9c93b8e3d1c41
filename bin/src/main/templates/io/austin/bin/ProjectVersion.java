package io.austin.bin;

/**
 * The project version, written in by the build (this file is a template under {@code src/main/templates}, filtered
 * into the generated sources). A constant, not a resource: reading a resource opens the jar, whose 3,000-entry
 * directory a cold JVM reads in about 10 ms, and nothing else opens it before a run's first sample.
 */
final class ProjectVersion {
    static final String VALUE = "${project.version}";

    private ProjectVersion() {
    }
}
