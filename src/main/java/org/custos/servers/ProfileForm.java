package org.custos.servers;

import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.fhir.ServerProfile;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The server profile editor of the Servers tab: one property per field (where the server is, how to authenticate —
 * HTTP Basic, a bearer token or SMART sign-in —, TLS additions, paging, what to sync, the schedule), filled from a
 * profile and read back into one with its problems in words.
 */
public final class ProfileForm {
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty baseUrl = new SimpleStringProperty("");
    /** Shown while "allow insecure" is on. */
    public static final String INSECURE_WARNING = "⚠ Insecure: the password or token may travel unencrypted over "
            + "plain http, where anyone on the network between here and the server can read and reuse it. Use "
            + "this only for a test server or a network protected otherwise.";
    /** Authentication choices as the screen shows them, in the order of {@link ServerProfile.AuthKind}. */
    public static final List<String> AUTH_CHOICES = List.of("None", "HTTP Basic", "Bearer token",
            "SMART on FHIR (sign in)");
    private final StringProperty auth = new SimpleStringProperty(AUTH_CHOICES.get(0));
    private final StringProperty user = new SimpleStringProperty("");
    private final StringProperty secret = new SimpleStringProperty("");
    /** SMART: the client id Custos is registered under, and the scopes to ask for (empty: what the profile needs). */
    private final StringProperty clientId = new SimpleStringProperty("");
    private final StringProperty scopes = new SimpleStringProperty("");
    /** TLS for internal servers: a CA file trusted besides Java's own; a client certificate (PKCS#12) and password. */
    private final StringProperty caFile = new SimpleStringProperty("");
    private final StringProperty clientCert = new SimpleStringProperty("");
    private final StringProperty clientCertPassword = new SimpleStringProperty("");
    private final StringProperty pageSize = new SimpleStringProperty("500");
    private final StringProperty timeoutSeconds = new SimpleStringProperty("60");
    private final StringProperty cacheDays = new SimpleStringProperty("0");
    private final StringProperty everyMinutes = new SimpleStringProperty("0");
    private final BooleanProperty syncAudit = new SimpleBooleanProperty(true);
    private final BooleanProperty syncConsent = new SimpleBooleanProperty(true);
    private final BooleanProperty syncProvenance = new SimpleBooleanProperty(true);
    /** The optional people types (Patient, Practitioner, Organization, RelatedPerson): off unless chosen. */
    private final java.util.Map<String, BooleanProperty> syncPeople = new java.util.LinkedHashMap<>();

    {
        for (String t : ServerProfile.PEOPLE_TYPES) {
            syncPeople.put(t, new SimpleBooleanProperty(false));
        }
    }
    private final BooleanProperty allowInsecure = new SimpleBooleanProperty(false);
    /** Custos's own audit trail goes to this server too (from the outbox). */
    private final BooleanProperty sendTrail = new SimpleBooleanProperty(false);
    /** Patient mode: the patient this profile is for ({@code Patient/<id>} or the id), empty for staff use. */
    private final StringProperty patient = new SimpleStringProperty("");
    private final StringProperty insecureWarning = new SimpleStringProperty("");

    ProfileForm() {
        allowInsecure.addListener((o, a, b) -> insecureWarning.set(b ? INSECURE_WARNING : ""));
    }

    /** The editor shows {@code p}. */
    void fill(ServerProfile p) {
        name.set(p.name());
        baseUrl.set(p.baseUrl());
        auth.set(AUTH_CHOICES.get(p.auth().ordinal()));
        user.set(p.user() == null ? "" : p.user());
        clientId.set(p.smart().clientId());
        caFile.set(p.tls().caFile() == null ? "" : p.tls().caFile());
        clientCert.set(p.tls().clientCertFile() == null ? "" : p.tls().clientCertFile());
        clientCertPassword.set(p.tls().clientCertPassword() == null ? "" : p.tls().clientCertPassword());
        scopes.set(p.smart().scopeText());
        secret.set(p.secret() == null ? "" : p.secret());
        pageSize.set(Integer.toString(p.pageSize()));
        timeoutSeconds.set(Long.toString(p.readTimeout().toSeconds()));
        cacheDays.set(Integer.toString(p.cacheDays()));
        everyMinutes.set(Integer.toString(p.syncEveryMinutes()));
        syncAudit.set(p.types().contains("AuditEvent"));
        syncConsent.set(p.types().contains("Consent"));
        syncProvenance.set(p.types().contains("Provenance"));
        syncPeople.forEach((type, chosen) -> chosen.set(p.types().contains(type)));
        allowInsecure.set(p.allowInsecure());
        sendTrail.set(p.sendTrail());
        patient.set(p.patient() == null ? "" : p.patient());
    }

    /** The profile the editor describes, or null (the reasons told to {@code problems}). */
    ServerProfile edited(Consumer<String> problems) {
        Set<String> t = new LinkedHashSet<>();
        if (syncAudit.get()) {
            t.add("AuditEvent");
        }
        if (syncConsent.get()) {
            t.add("Consent");
        }
        if (syncProvenance.get()) {
            t.add("Provenance");
        }
        syncPeople.forEach((type, chosen) -> {
            if (chosen.get()) {
                t.add(type);
            }
        });
        if (t.isEmpty()) {
            problems.accept("Choose at least one resource type to sync.");
            return null;
        }
        try {
            ServerProfile p = ServerProfile.of(name.get().trim(), baseUrl.get())
                    .withAuth(authKind(), user.get().trim(), secret.get())
                    .withSmart(org.custos.fhir.SmartClient.of(clientId.get(), scopes.get()))
                    .withTls(new org.custos.fhir.TlsSettings(caFile.get(), clientCert.get(),
                            clientCertPassword.get()))
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(number(timeoutSeconds, "Timeout")))
                    .withPaging(number(pageSize, "Page size"), t, number(cacheDays, "Cache window (days)"))
                    .withSchedule(number(everyMinutes, "Sync every (minutes)"), null)
                    .withAllowInsecure(allowInsecure.get())
                    .withSendTrail(sendTrail.get())
                    .withPatient(patient.get());
            List<String> wrong = p.problems();
            if (!wrong.isEmpty()) {
                problems.accept(String.join(" ", wrong));
                return null;
            }
            return p;
        } catch (IllegalArgumentException e) {
            problems.accept(e.getMessage());
            return null;
        }
    }

    private ServerProfile.AuthKind authKind() {
        int i = AUTH_CHOICES.indexOf(auth.get());
        return ServerProfile.AuthKind.values()[Math.max(0, i)];
    }

    /** Whether the user name field applies (HTTP Basic). */
    public javafx.beans.binding.BooleanBinding needsUserProperty() {
        return auth.isEqualTo(AUTH_CHOICES.get(1));
    }

    /** Whether the secret field applies (Basic or bearer; with SMART, a confidential client's secret). */
    public javafx.beans.binding.BooleanBinding needsSecretProperty() {
        return auth.isNotEqualTo(AUTH_CHOICES.get(0));
    }

    /** Whether the SMART sign-in settings apply. */
    public javafx.beans.binding.BooleanBinding smartProperty() {
        return auth.isEqualTo(AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()));
    }

    private static int number(StringProperty p, String label) {
        String s = p.get() == null ? "" : p.get().trim();
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + ": '" + s + "' is not a whole number.");
        }
    }

    public StringProperty clientIdProperty() { return clientId; }

    public StringProperty scopesProperty() { return scopes; }

    public StringProperty caFileProperty() { return caFile; }

    public StringProperty clientCertProperty() { return clientCert; }

    public StringProperty clientCertPasswordProperty() { return clientCertPassword; }

    public StringProperty nameProperty() { return name; }

    public StringProperty baseUrlProperty() { return baseUrl; }

    public StringProperty authProperty() { return auth; }

    public StringProperty userProperty() { return user; }

    public StringProperty secretProperty() { return secret; }

    public StringProperty pageSizeProperty() { return pageSize; }

    public StringProperty timeoutSecondsProperty() { return timeoutSeconds; }

    public StringProperty cacheDaysProperty() { return cacheDays; }

    public StringProperty everyMinutesProperty() { return everyMinutes; }

    /** Credentials may go over plain http to another host (the user ticked "allow insecure"). */
    public BooleanProperty allowInsecureProperty() { return allowInsecure; }

    public BooleanProperty sendTrailProperty() { return sendTrail; }

    public StringProperty patientProperty() { return patient; }

    /** The warning to show while insecure connections are allowed; empty otherwise. */
    public StringProperty insecureWarningProperty() { return insecureWarning; }

    public BooleanProperty syncAuditProperty() { return syncAudit; }

    public BooleanProperty syncConsentProperty() { return syncConsent; }

    public BooleanProperty syncProvenanceProperty() { return syncProvenance; }

    /** Whether one of the optional people types is synced (see {@link ServerProfile#PEOPLE_TYPES}). */
    public BooleanProperty syncTypeProperty(String peopleType) {
        BooleanProperty p = syncPeople.get(peopleType);
        if (p == null) {
            throw new IllegalArgumentException("Not a people type: " + peopleType);
        }
        return p;
    }
}
