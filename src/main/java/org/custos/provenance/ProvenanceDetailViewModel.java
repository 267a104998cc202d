package org.custos.provenance;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.cache.ProvenanceStore;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One Provenance as a reviewer reads it (issue 12, "Detail"): its elements with names from the directory, the raw
 * JSON and XML, each signature's verdict with its reason (checked when the Provenance opens, and again on demand,
 * against the trust store the user chose), the resources it points at (opened from the cache), and the way to the
 * AuditEvents about its target.
 */
public final class ProvenanceDetailViewModel {
    /** One line of the detail: a label, its value, and the reference it names (null: nothing to open). */
    public record Field(String label, String value, String reference) {
    }

    /** One signature's verdict as the list of verdicts shows it. */
    public record VerdictItem(String signature, String verdict, String reason, boolean valid) {
    }

    /** A resource the Provenance points at, opened: a title and its JSON. */
    public record Shown(String title, String json) {
    }

    /** Where the chosen trust store is remembered (a file path; its password is never kept). */
    public interface TrustSettings {
        Optional<Path> path();

        void remember(Path file);
    }

    private final ProvenanceReview review;
    private final TaskRunner tasks;
    private final Function<String, String> toXml;
    private final TrustSettings trustSettings;
    private final BiConsumer<String, String> eventsAbout;
    private final ObservableList<Field> fields = FXCollections.observableArrayList();
    private final ObservableList<VerdictItem> verdicts = FXCollections.observableArrayList();
    private final StringProperty title = new SimpleStringProperty("Select a Provenance to read it.");
    private final StringProperty json = new SimpleStringProperty("");
    private final StringProperty xml = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty trustText = new SimpleStringProperty("");
    private final ObjectProperty<Shown> shown = new SimpleObjectProperty<>();
    private final ObjectProperty<ProvenanceReview.Opened> opened = new SimpleObjectProperty<>();
    /** Read by the checks when they run (a store chosen meanwhile is the one used). */
    private volatile TrustStore trust = TrustStore.none();
    private java.util.function.BiConsumer<ProvenanceStore.Row, List<Verdict>> onChecked = (r, v) -> { };
    private ProvenanceGraphViewModel graph;
    private long generation;
    private long checks;

    public ProvenanceDetailViewModel(ProvenanceReview review, TaskRunner tasks, Function<String, String> toXml,
                                     TrustSettings trustSettings, BiConsumer<String, String> eventsAbout) {
        this.review = review;
        this.tasks = tasks;
        this.toXml = toXml;
        this.trustSettings = trustSettings;
        this.eventsAbout = eventsAbout;
        trustText.set("Trust store: none chosen (no signer is trusted)");
        trustSettings.path().ifPresent(p -> useTrustStore(p, null));
    }

    public ObservableList<Field> fields() { return fields; }

    public ObservableList<VerdictItem> verdicts() { return verdicts; }

    public StringProperty title() { return title; }

    public StringProperty json() { return json; }

    public StringProperty xml() { return xml; }

    public StringProperty message() { return message; }

    public StringProperty trustText() { return trustText; }

    /** A resource opened from the detail (the view shows it in a window). */
    public ObjectProperty<Shown> shown() { return shown; }

    /** The Provenance shown (null: none). */
    public ObjectProperty<ProvenanceReview.Opened> opened() { return opened; }

    /** Told each check made (the list shows its verdict in the row). */
    void onChecked(java.util.function.BiConsumer<ProvenanceStore.Row, List<Verdict>> c) {
        onChecked = c;
    }

    /** The graph beside the detail: it draws the chain around the open Provenance's target when asked. */
    public ProvenanceDetailViewModel graph(ProvenanceGraphViewModel g) {
        this.graph = g;
        g.onOpenProvenance((title, json) -> shown.set(new Shown(title, json)));
        return this;
    }

    /** The Graph tab is shown: the chain around the open Provenance's (first) target, or around its container. */
    public void showGraph() {
        ProvenanceReview.Opened o = opened.get();
        if (graph == null || o == null) {
            return;
        }
        List<String> targets = o.row().targets();
        String start = targets.isEmpty() ? o.row().container() : targets.get(0);
        if (start != null) {
            graph.show(start, o.row().origin());
        }
    }

    /** Shows the Provenance of a list row (null: none), and checks its signatures. */
    public void open(ProvenanceStore.Row row) {
        long gen = ++generation;
        fields.clear();
        verdicts.clear();
        json.set("");
        xml.set("");
        message.set("");
        opened.set(null);
        if (row == null) {
            title.set("Select a Provenance to read it.");
            return;
        }
        title.set("Provenance/" + row.id() + (row.container() == null ? "" : " (contained in " + row.container()
                + ")") + " · " + row.origin());
        tasks.submit(null, p -> {
            Optional<ProvenanceReview.Opened> o = review.open(row);
            TrustStore used = trust;
            return o.map(x -> new Object[]{x, x.detail().signatures().isEmpty() ? List.<Verdict>of()
                    : review.verify(x, used), used}).orElse(null);
        }, r -> {
            if (gen != generation) {
                return;
            }
            if (r == null) {
                message.set("This Provenance is no longer in the cache as listed (a sync or an import replaced it): "
                        + "search again.");
                return;
            }
            ProvenanceReview.Opened o = (ProvenanceReview.Opened) r[0];
            @SuppressWarnings("unchecked") List<Verdict> v = (List<Verdict>) r[1];
            opened.set(o);
            fields.setAll(ProvenanceText.fields(o.detail(), o.row()));
            json.set(ProvenanceText.pretty(o.json()));
            showVerdicts(o.detail(), v);
            if (!v.isEmpty()) {
                onChecked.accept(o.row(), v);
            }
            if (r[2] != trust && !v.isEmpty()) {
                verify();   // another trust store was chosen while this opened
            }
        }, e -> {
            if (gen == generation) {
                message.set("Cannot read this Provenance: " + e.getMessage());
            }
        });
    }

    /** The XML tab was opened: the XML form is made once per Provenance. */
    public void loadXml() {
        ProvenanceReview.Opened o = opened.get();
        if (o == null || !xml.get().isEmpty()) {
            return;
        }
        long gen = generation;
        tasks.submit(null, p -> toXml.apply(o.json()), x -> {
            if (gen == generation) {
                xml.set(x);
            }
        }, e -> {
            if (gen == generation) {
                xml.set("This Provenance cannot be written as XML: " + e.getMessage());
            }
        });
    }

    /** Checks the signatures again (after the trust store or a target changed); the list shows the new check. */
    public void verify() {
        ProvenanceReview.Opened o = opened.get();
        if (o == null) {
            return;
        }
        long gen = generation;
        long check = ++checks;
        tasks.submit(null, p -> review.verify(o, trust), v -> {
            if (check != checks) {
                return;   // a later check (another trust store) is the one to show
            }
            if (gen == generation) {
                showVerdicts(o.detail(), v);
                message.set(v.isEmpty() ? "This Provenance has no signature." : "Checked.");
            }
            if (!v.isEmpty()) {
                onChecked.accept(o.row(), v);
            }
        }, e -> {
            if (gen == generation) {
                message.set("Cannot check the signatures: " + e.getMessage());
            }
        });
    }

    /** Uses the trust store in {@code file} (PEM or PKCS#12; {@code password} for the latter, may be null). */
    public void useTrustStore(Path file, char[] password) {
        tasks.submit(null, p -> TrustStore.load(file, password), t -> {
            trust = t;
            trustSettings.remember(file);
            trustText.set("Trust store: " + file + " (" + t.certificates().size() + " certificate"
                    + (t.certificates().size() == 1 ? "" : "s") + ")");
            verify();
        }, e -> trustText.set("Trust store: " + e.getMessage() + " Choose it again (a PKCS#12 store needs its "
                + "password). " + (trust.isEmpty() ? "None is in use." : "Still in use: " + trust.source() + ".")));
    }

    /** Whether a trust store file is asked a password for (a PKCS#12 store, by its name). */
    public boolean needsPassword(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    /** Opens a resource the Provenance points at, from the cache. */
    public void openReference(String reference) {
        ProvenanceReview.Opened o = opened.get();
        if (o == null || reference == null) {
            return;
        }
        int originId = o.row().originId();
        long gen = generation;
        tasks.submit(null, p -> review.resource(originId, reference), r -> {
            if (gen != generation) {
                return;
            }
            if (r.isPresent()) {
                shown.set(new Shown(reference + " · " + o.row().origin() + (r.get().fromServer()
                        ? " (read from the server now)" : " (from the cache)"), ProvenanceText.pretty(r.get().json())));
            } else {
                message.set(reference + " is not in the cache of " + o.row().origin() + " (Custos keeps AuditEvents, "
                        + "Consents, Provenance, the people, and resources that contain a Provenance), nor could its "
                        + "server give it.");
            }
        }, e -> {
            if (gen == generation) {
                message.set("Cannot open " + reference + ": " + e.getMessage());
            }
        });
    }

    /** Lists the AuditEvents about this Provenance's (first) target in the audit browser. */
    public void showAuditEvents() {
        ProvenanceReview.Opened o = opened.get();
        if (o == null || o.row().targets().isEmpty()) {
            message.set("This Provenance names no target.");
            return;
        }
        String t = o.row().targets().get(0);
        String r = t.replaceAll("/_history/.*$", "");
        // the origin's own server's URL comes off (its events name the target relatively); another server's stays
        String own = o.row().origin() + "/";
        String ref = r.startsWith(own) ? r.substring(own.length()) : r;
        // a trailing "|" makes the browser's entity filter match exactly (Consent/1, not Consent/10)
        eventsAbout.accept(ref + "|", o.row().origin());
    }

    private void showVerdicts(ProvenanceDetail d, List<Verdict> v) {
        List<VerdictItem> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            ProvenanceDetail.Signature s = i < d.signatures().size() ? d.signatures().get(i) : null;
            String sig = (i + 1) + (s == null ? "" : " · " + String.join(", ", s.types()) + " · "
                    + (s.who() == null ? "?" : s.who()));
            out.add(new VerdictItem(sig, v.get(i).kind().label(), v.get(i).reason(), v.get(i).valid()));
        }
        verdicts.setAll(out);
    }
}
