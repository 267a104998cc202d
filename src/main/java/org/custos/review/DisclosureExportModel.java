package org.custos.review;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The patient access tab's *Accounting of disclosures…*: the patient shown, in the origin shown, over the last six
 * years, written as a PDF (the same report as {@code custos report disclosures}); the file appears only when
 * complete, and the screen says how many disclosures it holds.
 */
public final class DisclosureExportModel {
    /**
     * Writes the report of one patient (its events: those under any of the subject's keys) of one origin; returns
     * how many disclosures it holds.
     */
    public interface Writer {
        int write(AccessReview.Subject patient, String origin, Path file) throws Exception;
    }

    private final Writer writer;
    private final TaskRunner tasks;
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);

    public DisclosureExportModel(Writer writer, TaskRunner tasks) {
        this.writer = writer;
        this.tasks = tasks;
    }

    public ReadOnlyStringProperty message() { return message; }
    public BooleanProperty busy() { return busy; }

    /** Whether a patient can be reported: one picked (by reference, or by an identifier only). */
    public static boolean reportable(AccessReview.Candidate c) {
        return c != null && !c.subject().keys().isEmpty();
    }

    /** Writes the report of the candidate shown to {@code file} (".pdf" added when missing). */
    public void export(AccessReview.Candidate c, Path file) {
        if (!reportable(c) || file == null) {
            message.set("Pick a patient first.");
            return;
        }
        Path target = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pdf") ? file
                : file.resolveSibling(file.getFileName() + ".pdf");
        busy.set(true);
        message.set("Writing the accounting of disclosures…");
        tasks.submit("Writing the accounting of disclosures", p -> {
            CaseListViewModel.refuseUnchosen(file, target);
            return writer.write(c.subject(), c.origin(), target);
        }, n -> {
            busy.set(false);
            message.set(n + (n == 1 ? " disclosure" : " disclosures") + " of " + c.subject().named()
                    + " in the last six years, written to " + target + ".");
        }, e -> {
            busy.set(false);
            message.set("Writing the accounting of disclosures failed: " + e.getMessage());
        });
    }
}
