package io.austin.bin;

import picocli.CommandLine;

/** {@code --version}: the tool's name and the project version the build wrote into {@link ProjectVersion}. */
final class Version implements CommandLine.IVersionProvider {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The project version. */
    static String project() {
        return ProjectVersion.VALUE;
    }

    /** The version line of a tool. */
    static String line(String tool) {
        return tool + " " + project();
    }

    @Override
    public String[] getVersion() {
        return new String[] {line(spec.name())};
    }
}
