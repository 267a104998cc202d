package org.custos.cli;

import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceValidator;
import org.custos.fhir.ValidationProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Validates Consent files (one STU3 Consent per file, JSON or XML) against the STU3 base "
                + "profiles, offline: structure, cardinality, data types, invariants and the required value sets.",
                "Prints each problem as FILE: SEVERITY LOCATION (LINE:COL): message, with LOCATION a FHIRPath, then "
                        + "one line per file and a summary. Only errors make a file invalid; warnings (e.g. a code "
                        + "from a code system Custos does not hold, a profile it does not know) are printed too.",
                "Exit status: 0 every file is a valid Consent, 1 any file is invalid, not a Consent or unreadable "
                        + "(or the arguments are wrong)."})
final class ConsentValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Consent files (.json or .xml)")
    List<Path> files;

    @Option(names = {"-q", "--quiet"}, description = "Print errors only (no warnings or information)")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        ResourceValidator validator = new ResourceValidator(new Fhir());
        List<String> invalid = new ArrayList<>();
        int warnings = 0;
        for (Path f : files) {
            String text;
            try {
                text = read(f);
            } catch (IOException e) {
                out.println(f + ": ERROR cannot read the file: " + reason(e));
                out.println(f + ": unreadable");
                invalid.add(f.toString());
                continue;
            }
            List<ValidationProblem> problems = validator.validate(text, "Consent");
            int errors = 0;
            int fileWarnings = 0;
            for (ValidationProblem p : problems) {
                errors += p.isError() ? 1 : 0;
                fileWarnings += p.severity() == ValidationProblem.Severity.WARNING ? 1 : 0;
                if (!quiet || p.isError()) {
                    out.println(f + ": " + p.describe());
                }
            }
            warnings += fileWarnings;
            if (errors > 0) {
                invalid.add(f.toString());
                out.println(f + ": invalid (" + errors + " error(s), " + fileWarnings + " warning(s))");
            } else {
                out.println(f + ": valid" + (fileWarnings > 0 ? " (" + fileWarnings + " warning(s))" : ""));
            }
        }
        int valid = files.size() - invalid.size();
        out.println(invalid.isEmpty() ? "All " + files.size() + " file(s) valid" + (warnings > 0 ? ", " + warnings
                + " warning(s)" : "") : invalid.size() + " of " + files.size() + " file(s) invalid or unreadable: "
                + String.join(", ", invalid) + "; " + valid + " valid");
        spec.commandLine().getErr().printf("Validated %d file(s) in %.1f s%n", files.size(),
                (System.nanoTime() - t0) / 1e9);
        return invalid.isEmpty() ? 0 : 1;
    }

    /** The file's text (UTF-8); a file that is missing, a folder, unreadable or not UTF-8 throws with the reason. */
    private static String read(Path f) throws IOException {
        if (Files.isDirectory(f)) {
            throw new IOException("it is a folder");
        }
        if (!Files.isRegularFile(f)) {
            throw new IOException("no such file");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
