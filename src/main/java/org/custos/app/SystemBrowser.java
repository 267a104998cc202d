package org.custos.app;

import javafx.application.HostServices;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Opens an address in the system browser: on Linux with {@code xdg-open} (the desktop's own choice; JavaFX's host
 * services fail there without a GTK handler), else — or when that fails — with JavaFX's host services. The screen
 * also shows the address, for when no browser opens.
 */
final class SystemBrowser implements Consumer<URI> {
    private final HostServices host;

    SystemBrowser(HostServices host) {
        this.host = host;
    }

    @Override
    public void accept(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return; // only web addresses go to the browser
        }
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                // the address as one argument, no shell in between
                new ProcessBuilder("xdg-open", uri.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(SystemBrowser.class).info(
                        "xdg-open is not available ({}); trying JavaFX's host services", e.getMessage());
            }
        }
        host.showDocument(uri.toString());
    }
}
