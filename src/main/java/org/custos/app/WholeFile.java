package org.custos.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file the app writes for the user (a report, a settings file) appears only when complete: written beside it under
 * a temporary name and moved in at once; a failure leaves what was there before. The file the user chose in the save
 * dialog (which asked before replacing it) is replaced.
 */
final class WholeFile {
    /** What goes into the file. */
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private WholeFile() {
    }

    static void write(Path file, Body body) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.write(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
