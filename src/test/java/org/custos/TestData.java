package org.custos;

import org.custos.fhir.Fhir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared test fixtures: the one FhirContext per test JVM and the shared STU3 examples. */
public final class TestData {
    public static final Fhir FHIR = new Fhir();

    private TestData() {
    }

    public static Path examples() {
        String prop = System.getProperty("custos.examples");
        Path p = prop != null ? Path.of(prop) : Path.of("../shared/examples/stu3");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("The shared STU3 examples are not at " + p.toAbsolutePath()
                    + " (set -Dcustos.examples=...)");
        }
        return p;
    }
}
