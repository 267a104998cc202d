package org.custos.app;

import org.custos.cache.DataDirs;
import org.custos.cli.CustosCommand;

/**
 * The jar's main class. Not an {@code Application} subclass, so a classpath launch works. With a command
 * (import, export, audit, demo, --help, --version) it runs the command line, without JavaFX; otherwise the app,
 * which imports the files named (a file manager's "Open with Custos").
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (System.getProperty("custos.logdir") == null) {
            System.setProperty("custos.logdir", DataDirs.dataDir().resolve("logs").toString());
        }
        privateTemp(DataDirs.dataDir()).ifPresent(tmp -> System.setProperty("java.io.tmpdir", tmp.toString()));
        if (args.length > 0 && CustosCommand.COMMANDS.contains(args[0])) {
            System.exit(CustosCommand.run(args));
        }
        if (args.length > 0 && !args[0].startsWith("-") && !isFile(args[0])) {
            System.err.println("custos: unknown command '" + args[0] + "' (try custos --help)");
            System.exit(1);
        }
        chooseRendering();
        javafx.application.Application.launch(CustosApp.class, args);
    }

    /**
     * A temporary folder of Custos's own, readable only by this user (0700): H2 spills a query result larger than
     * its in-memory limit to a file in java.io.tmpdir, outside an encrypted cache's scheme and in plain text, and the
     * system's temp folder is shared with every account of the machine. Empty when it cannot be made (the system's
     * then serves).
     */
    static java.util.Optional<java.nio.file.Path> privateTemp(java.nio.file.Path dataDir) {
        try {
            // made (or tightened to) 0700 as the log folder is; not a link, not someone else's
            return java.util.Optional.of(org.custos.logging.PrivateLogDir.prepare(dataDir.resolve("tmp")));
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * On Linux without a GPU device (virtual machines, remote desktops, CI) OpenGL is Mesa's software renderer, and
     * JavaFX's own software pipeline draws Custos's tables as fast and starts a little sooner (~0.1 s here). A GPU,
     * or a -Dprism.order given by the user, keeps JavaFX's default.
     */
    private static void chooseRendering() {
        if (System.getProperty("prism.order") == null && System.getProperty("os.name", "").startsWith("Linux")
                && !java.nio.file.Files.exists(java.nio.file.Path.of("/dev/dri"))) {
            System.setProperty("prism.order", "sw");
        }
    }

    private static boolean isFile(String arg) {
        try {
            return java.nio.file.Files.isRegularFile(java.nio.file.Path.of(arg));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
