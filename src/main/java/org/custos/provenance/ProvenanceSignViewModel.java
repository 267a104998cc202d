package org.custos.provenance;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Signing a cached resource (issue 12, "Signing": a patient signs a consent, a reviewer attests a record): the
 * resource and its origin, who signs, why, the format, the private key and certificate files (PEM or PKCS#12) and
 * their password. The new Provenance is kept where its target's origin keeps things (the cache for files and demo
 * data, the outbox for a server); the list then shows the target's Provenance with the new signature's verdict.
 */
public final class ProvenanceSignViewModel {
    /** Keeps a signed Provenance in its origin; says where in a sentence. */
    public interface Keeper {
        String keep(String origin, String id, String json) throws Exception;
    }

    public final StringProperty resource = new SimpleStringProperty("");
    public final StringProperty origin = new SimpleStringProperty("");
    public final StringProperty who = new SimpleStringProperty("");
    public final ObjectProperty<ProvenanceSigner.Purpose> purpose = new SimpleObjectProperty<>();
    public final ObjectProperty<ProvenanceSigner.Format> format = new SimpleObjectProperty<>(ProvenanceSigner.Format.JWS);
    public final StringProperty keyFile = new SimpleStringProperty("");
    public final StringProperty certFile = new SimpleStringProperty("");

    private final ProvenanceReview review;
    private final Keeper keeper;
    private final TaskRunner tasks;
    private final ObservableList<String> origins = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final BooleanBinding canSign;
    private Consumer<String> onSigned = ref -> { };
    private long lookups;

    public ProvenanceSignViewModel(ProvenanceReview review, Keeper keeper, TaskRunner tasks) {
        this.review = review;
        this.keeper = keeper;
        this.tasks = tasks;
        canSign = Bindings.createBooleanBinding(() -> !busy.get() && problem() == null, resource, origin, who,
                keyFile, busy);
        resource.addListener((o, a, r) -> findOrigins());
    }

    public ObservableList<String> origins() { return origins; }

    public StringProperty message() { return message; }

    public BooleanBinding canSign() { return canSign; }

    public BooleanProperty busyProperty() { return busy; }

    /** Told the target's reference after a signature was kept (the list shows that target's Provenance). */
    public void onSigned(Consumer<String> c) {
        onSigned = c;
    }

    /** Starts from a resource (the selected Provenance's target, if any). */
    public void start(String reference, String originName) {
        message.set("");
        resource.set(reference == null ? "" : reference.replaceAll("/_history/.*$", ""));
        if (originName != null) {
            origin.set(originName);
        }
    }

    /** What stops signing, in words (null: nothing). */
    public String problem() {
        String[] t = typeId();
        if (t == null) {
            return "Name the resource as Type/id, e.g. Consent/c1.";
        }
        if (origin.get() == null || origin.get().isBlank()) {
            return "Choose the origin that holds the resource.";
        }
        if (who.get() == null || who.get().isBlank()) {
            return "Name who signs (e.g. Practitioner/1, Patient/p1, or a URL).";
        }
        if (keyFile.get() == null || keyFile.get().isBlank()) {
            return "Choose the private key (PEM or PKCS#12).";
        }
        return null;
    }

    private String[] typeId() {
        String r = resource.get() == null ? "" : resource.get().trim();
        String[] t = r.split("/");
        return t.length == 2 && t[0].matches("[A-Z][A-Za-z]+") && t[1].matches("[A-Za-z0-9\\-.]{1,64}") ? t : null;
    }

    private void findOrigins() {
        String[] t = typeId();
        if (t == null) {
            origins.clear();
            return;
        }
        long gen = ++lookups;
        tasks.submit(null, p -> review.originsHolding(t[0], t[1]), list -> {
            if (gen != lookups) {
                return;   // the user typed on: an older lookup's answer
            }
            origins.setAll(list);
            if (!list.contains(origin.get())) {
                origin.set(list.isEmpty() ? "" : list.get(0));
            }
            if (list.isEmpty()) {
                message.set(resource.get() + " is not in the cache.");
            }
        }, e -> message.set("Cannot look for " + resource.get() + ": " + e.getMessage()));
    }

    /** Signs and keeps the Provenance; {@code password} of the key (null or empty: none) is not kept. */
    public void sign(char[] password) {
        String p = problem();
        if (p != null) {
            message.set(p);
            return;
        }
        String[] t = typeId();
        String o = origin.get().trim();
        String w = who.get().trim();
        ProvenanceSigner.Purpose why = purpose.get() == null ? ProvenanceSigner.Purpose.forTarget(t[0]) : purpose.get();
        ProvenanceSigner.Format f = format.get() == null ? ProvenanceSigner.Format.JWS : format.get();
        Path key = Path.of(keyFile.get().trim());
        Path cert = certFile.get() == null || certFile.get().isBlank() ? null : Path.of(certFile.get().trim());
        busy.set(true);
        message.set("Signing…");
        char[] pw = password == null ? null : password.clone();
        tasks.submit(null, x -> {
            SignerKeys keys;
            try {
                keys = SignerKeys.load(key, cert, pw);
            } finally {
                if (pw != null) {
                    java.util.Arrays.fill(pw, '\0');
                }
            }
            String[] made = review.sign(o, t[0], t[1], w, why, f, keys);
            return List.of(made[0], keeper.keep(o, made[0], made[1]));
        }, r -> {
            busy.set(false);
            message.set("Signed " + t[0] + "/" + t[1] + " as Provenance/" + r.get(0) + ". " + r.get(1));
            onSigned.accept(t[0] + "/" + t[1]);
        }, e -> {
            busy.set(false);
            message.set("Not signed: " + e.getMessage());
        });
    }
}
