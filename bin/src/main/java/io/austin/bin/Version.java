package io.austin.bin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: the tool's name and the project version the build wrote into {@code version.properties}. */
final class Version implements CommandLine.IVersionProvider {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The project version, or {@code unknown} outside a built jar. */
    static String project() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
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
