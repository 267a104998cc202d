package org.custos.fhir;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileStoreTest {
    private final Preferences node = Preferences.userRoot().node("custos-test-" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        node.removeNode();
    }

    @Test
    void profilesComeBackAsSavedWithTheirSecretKeptOutOfThePreferences(@TempDir Path dir) throws Exception {
        ProfileStore store = new ProfileStore(node, new SecretStore(dir));
        ServerProfile p = ServerProfile.of("Hospital / main", "https://fhir.example.org/r3")
                .withAuth(ServerProfile.AuthKind.BASIC, "officer", "pa55-w0rd!")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(90))
                .withPaging(250, Set.of("AuditEvent", "Consent"), 30)
                .withSchedule(15, Duration.ofMinutes(10))
                .withAllowInsecure(true)
                .withSendTrail(true)
                .withSmart(SmartClient.of("custos-desktop", "user/AuditEvent.read openid"))
                .withTls(new TlsSettings("/etc/custos/ca.pem", "/home/officer/officer.p12", "p12-s3cret"));
        store.save(p);
        store.save(ServerProfile.of("Another", "http://127.0.0.1:8091/fhir"));

        ProfileStore again = new ProfileStore(node, new SecretStore(dir));
        assertThat(again.list()).extracting(ServerProfile::name).containsExactly("Another", "Hospital / main");
        ServerProfile back = again.find("Hospital / main").orElseThrow();
        assertThat(back).isEqualTo(p);
        assertThat(back.secret()).isEqualTo("pa55-w0rd!");
        assertThat(back.allowInsecure()).isTrue();
        assertThat(again.find("Another").orElseThrow().allowInsecure()).isFalse();
        // the profiles that receive Custos's own audit trail, read without the secrets
        assertThat(back.sendTrail()).isTrue();
        assertThat(again.find("Another").orElseThrow().sendTrail()).isFalse();
        assertThat(again.trailReceivers()).containsExactly("https://fhir.example.org/r3");

        for (String child : node.childrenNames()) {
            Preferences n = node.node(child);
            for (String k : n.keys()) {
                assertThat(n.get(k, "")).as(k).doesNotContain("pa55-w0rd!").doesNotContain("p12-s3cret");
            }
        }
        String onDisk = Files.readString(dir.resolve("secrets.properties"));
        assertThat(onDisk).doesNotContain("pa55-w0rd!").doesNotContain("p12-s3cret").contains("server.")
                .contains("tls.");
        assertThat(back.tls().clientCertPassword()).isEqualTo("p12-s3cret");
        assertThat(back.smart().scopes()).containsExactly("user/AuditEvent.read", "openid");
    }

    @Test
    void deletingAProfileForgetsItsSecret(@TempDir Path dir) throws Exception {
        SecretStore secrets = new SecretStore(dir);
        ProfileStore store = new ProfileStore(node, secrets);
        store.save(ServerProfile.of("x", "https://a.org").withAuth(ServerProfile.AuthKind.BEARER, null, "tok"));
        assertThat(store.find("x").orElseThrow().secret()).isEqualTo("tok");
        store.delete("x");
        assertThat(store.list()).isEmpty();
        // the last secret gone: neither the file nor its key stays
        assertThat(dir.resolve("secrets.properties")).doesNotExist();
        assertThat(dir.resolve("secrets.key")).doesNotExist();
    }

    @Test
    void theTrailNamesTheSignedInUserOnlyWhenItIsOnePerson(@TempDir Path dir) {
        ProfileStore store = new ProfileStore(node, new SecretStore(dir));
        SmartConfiguration config = new SmartConfiguration(java.net.URI.create("https://as.example.org/authorize"),
                java.net.URI.create("https://as.example.org/token"), null, List.of(), List.of("S256"), List.of(), "t");
        java.util.function.Function<String, SmartSession> session = who -> new SmartSession(config, "c",
                new SmartTokens("access-" + who, java.time.Instant.now().plusSeconds(3600), null, null, List.of(),
                        who), java.time.Clock.systemUTC(), null);
        assertThat(store.signedInUser()).isEmpty();
        ServerProfile a = ServerProfile.of("A", "https://a.example.org/fhir");
        store.signedIn(a, session.apply("Practitioner/ann"));
        assertThat(store.signedInUser()).contains("https://a.example.org/fhir/Practitioner/ann");
        // a second server, another person: nobody is named (the trail then names the operating-system user)
        store.signedIn(ServerProfile.of("B", "https://b.example.org/fhir"), session.apply("Practitioner/bob"));
        assertThat(store.signedInUser()).isEmpty();
        store.signOut("B");
        assertThat(store.signedInUser()).contains("https://a.example.org/fhir/Practitioner/ann");
        // an absolute fhirUser stays as it is
        store.signedIn(a, session.apply("https://a.example.org/fhir/Practitioner/ann"));
        assertThat(store.signedInUser()).contains("https://a.example.org/fhir/Practitioner/ann");
    }

    @Test
    void savingAProfileForAnotherPatientSignsItOutAndTheSamePatientKeepsTheSignIn(@TempDir Path dir) {
        ProfileStore store = new ProfileStore(node, new SecretStore(dir));
        SmartConfiguration config = new SmartConfiguration(java.net.URI.create("https://as.example.org/authorize"),
                java.net.URI.create("https://as.example.org/token"), null, List.of(), List.of("S256"), List.of(), "t");
        ServerProfile mine = ServerProfile.of("me", "https://a.example.org/fhir")
                .withAuth(ServerProfile.AuthKind.SMART, null, null).withSmart(SmartClient.of("custos", ""))
                .withPatient("pat-7");
        store.save(mine);
        store.signedIn(mine, new SmartSession(config, "custos", new SmartTokens("t", java.time.Instant.now()
                .plusSeconds(3600), null, null, List.of(), "Patient/pat-7"), java.time.Clock.systemUTC(), null));
        store.save(mine.withPaging(100, null, 0)); // another setting, the same patient: still signed in
        assertThat(store.session("me")).isPresent();
        store.save(mine.withPatient("pat-8"));
        assertThat(store.session("me")).isEmpty();
    }
}
