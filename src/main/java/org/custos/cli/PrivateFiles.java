package org.custos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files the command line writes (exports, chain heads) are readable only by the user on POSIX systems. */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /**
     * Creates {@code file} (or empties it) readable and writable only by its owner, before anything is written to it;
     * returns it. On a system without POSIX permissions the file is created as usual.
     */
    public static Path create(Path file) throws IOException {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (UnsupportedOperationException e) {
            // not POSIX (Windows): the user's own folders protect it
        }
        return file;
    }
}
