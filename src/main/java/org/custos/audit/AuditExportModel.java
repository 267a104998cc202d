package org.custos.audit;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.cache.AuditFilter;
import org.custos.ui.TaskRunner;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * "Export…" of the audit browser (issue 13): the events the applied filter finds, to CSV, JSON or NDJSON, in the
 * background with progress and cancel. The file appears only when the export is complete (written beside it under
 * a temporary name, then moved): a cancelled or failed export leaves nothing half-written behind.
 */
public final class AuditExportModel {
    public enum Format { CSV, JSON, NDJSON }

    /** The file types a save dialog offers, in order: what each is called, its pattern, its format. */
    public record Choice(String label, String pattern, Format format) {
    }

    public static final java.util.List<Choice> CHOICES = java.util.List.of(
            new Choice("CSV (the list's columns)", "*.csv", Format.CSV),
            new Choice("NDJSON (the AuditEvents, one a line)", "*.ndjson", Format.NDJSON),
            new Choice("JSON (the AuditEvents, an array)", "*.json", Format.JSON));

    /** Writes the events of a filter (the app: {@code sync.AuditExport}); returns how many. */
    public interface Writing {
        long write(AuditFilter filter, Format format, Writer out, LongConsumer progress, BooleanSupplier cancelled)
                throws IOException;
    }

    private final Writing writing;
    private final TaskRunner tasks;
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty exporting = new SimpleBooleanProperty(false);
    private TaskRunner.Handle running;

    public AuditExportModel(Writing writing, TaskRunner tasks) {
        this.writing = writing;
        this.tasks = tasks;
    }

    public StringProperty message() { return message; }

    public BooleanProperty exportingProperty() { return exporting; }

    /** The format a file name asks for (by its ending; CSV otherwise). */
    public static Format formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".ndjson") || n.endsWith(".jsonl") ? Format.NDJSON : n.endsWith(".json") ? Format.JSON
                : Format.CSV;
    }

    /** As {@link #export(AuditFilter, long, Path, Format)} in the format the file's name asks for. */
    public void export(AuditFilter filter, long expected, Path file) {
        export(filter, expected, file, formatOf(file));
    }

    /** The file name with the format's ending added when it has none (what a save dialog may give back). */
    public static Path withEnding(Path file, Format format) {
        String ending = "." + format.name().toLowerCase(Locale.ROOT);
        String n = file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(ending) ? file : file.resolveSibling(n + ending);
    }

    /** Exports what {@code filter} finds ({@code expected}: how many the browser counted, for the progress). */
    public void export(AuditFilter filter, long expected, Path file, Format format) {
        if (exporting.get()) {
            return;
        }
        exporting.set(true);
        message.set("Exporting to " + file.getFileName() + "…");
        running = tasks.submit("Exporting " + format.name().toLowerCase(Locale.ROOT), p -> {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            try {
                long n;
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    n = writing.write(filter, format, w, done -> {
                        if (done % 500 == 0) {
                            p.update(done, expected, String.format("Exported %,d events", done));
                        }
                    }, p::isCancelled);
                }
                if (p.isCancelled()) {
                    Files.deleteIfExists(tmp);
                    return -1L;
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return n;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }, n -> {
            exporting.set(false);
            message.set(n < 0 ? "Export cancelled: no file was written." : String.format("Exported %,d events to %s.",
                    n, file));
        }, e -> {
            exporting.set(false);
            message.set("Export failed, no file was written: " + e.getMessage());
        });
    }

    /** Stops the running export (nothing is written). */
    public void cancel() {
        if (running != null) {
            running.cancel();
        }
    }
}
