package org.custos.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** "custos --version": the build's version and those of the main components. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/org/custos/app/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // shown as "unknown"
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        Properties p = versions();
        return new String[]{"Custos " + p.getProperty("version", "unknown"),
                "HAPI FHIR " + p.getProperty("hapi", "?") + " (FHIR STU3), H2 " + p.getProperty("h2", "?")
                        + ", JavaFX " + p.getProperty("javafx", "?") + ", Java " + System.getProperty("java.version")};
    }
}
