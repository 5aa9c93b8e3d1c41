package io.austin.bin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Output files are created with the user's umask (the JVM's default permissions, 0666 less the umask) and are never
 * written through a symbolic link that another user planted: a profiler is often run as root, in folders such as
 * {@code /tmp} where anyone can make {@code /tmp/out.austin} a link to a file of theirs or of the system.
 */
final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Why {@code path} must not be written, or null when it may: it is a symbolic link owned by another user, or a
     * link to an existing file of another user. A link of the user's own to a file of the user's own is followed.
     */
    static String foreignLink(String path) {
        Path p = Paths.get(path);
        if (!Files.isSymbolicLink(p)) {
            return null;
        }
        try {
            int self = uid(Paths.get("/proc/self"));
            int linkOwner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (linkOwner != self) {
                return "it is a symbolic link owned by another user (uid " + linkOwner + ")";
            }
            if (Files.exists(p)) {
                int fileOwner = uid(p);
                if (fileOwner != self) {
                    return "it is a symbolic link to a file of another user (uid " + fileOwner + ")";
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "it is a symbolic link whose owners cannot be checked (" + e.getMessage() + ")";
        }
    }

    /**
     * Creates or truncates {@code path} for writing. A symbolic link is followed only when {@link #foreignLink} allows
     * it; any other path is opened without following links, so a link planted after the check is refused too.
     *
     * @throws IOException the file cannot be created; a refused link's message says why
     */
    static OutputStream open(String path) throws IOException {
        String refused = foreignLink(path);
        if (refused != null) {
            throw new IOException(refused);
        }
        Path p = Paths.get(path);
        if (Files.isSymbolicLink(p)) {
            return Files.newOutputStream(p); // the user's own link to the user's own file
        }
        return Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }
}
