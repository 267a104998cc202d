package org.custos.logging;

import ch.qos.logback.core.PropertyDefinerBase;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The log folder, for logback.xml ({@code <define name="LOG_DIR" class="…PrivateLogDir"/>}): the folder
 * {@code custos.logdir} names (the Launcher sets it to the data folder's {@code logs}), created readable only by the
 * user (0700 on POSIX) before Logback opens a file in it, and tightened to 0700 when it exists with more. Logs
 * name patients, users and servers: nobody else on the machine reads them. A folder that is a symbolic link or
 * belongs to someone else is not used; then (as without {@code custos.logdir}) a new private folder in the
 * temporary directory is.
 */
public final class PrivateLogDir extends PropertyDefinerBase {
    /** The system (or Logback context) property naming the folder. */
    public static final String PROPERTY = "custos.logdir";
    private static final Set<PosixFilePermission> OWNER_ONLY = Set.copyOf(PosixFilePermissions.fromString("rwx------"));

    @Override
    public String getPropertyValue() {
        String configured = getContext() == null ? null : getContext().getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty(PROPERTY);
        }
        try {
            if (configured != null && !configured.isBlank()) {
                return prepare(Path.of(configured)).toString();
            }
        } catch (IOException | RuntimeException e) {
            addWarn("Cannot use " + configured + " for the logs (" + e.getMessage() + "): using a private "
                    + "temporary folder instead");
        }
        try {
            return privateTemp().toString();
        } catch (IOException e) {
            addError("Cannot create a private folder for the logs: " + e.getMessage());
            return Path.of(System.getProperty("java.io.tmpdir"), "custos-logs").toString();
        }
    }

    /** Creates {@code dir} (and its parents) readable only by the user, or tightens it to that. */
    public static Path prepare(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (!posix(d)) {
            return Files.createDirectories(d);
        }
        if (d.getParent() != null) {
            Files.createDirectories(d.getParent());
        }
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(d) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(d + " is not a folder of its own (a link, or a file)");
            }
            UserPrincipal me = d.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            UserPrincipal owner = Files.getOwner(d, LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(me)) {
                throw new IOException(d + " belongs to " + owner.getName() + ", not to " + me.getName());
            }
        }
        // the umask may have taken bits away, never added any; an existing folder may have had more
        Files.setPosixFilePermissions(d, OWNER_ONLY);
        return d;
    }

    private static Path privateTemp() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        return posix(tmp) ? Files.createTempDirectory(tmp, "custos-logs-",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY)) : Files.createTempDirectory(tmp, "custos-logs-");
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
