package org.custos.servers;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.fhir.ServerProfile;
import org.custos.sync.SyncEngine;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.prefs.Preferences;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in from the Servers tab's view model, for real: the SMART server's configuration discovered, the test
 * playing the system browser at the mock authorization server, the session attached to the profile for syncing; who
 * is signed in, the scopes and what they leave out shown; sign-out ends it.
 */
@ExtendWith(FhirServerExtension.class)
class SignInTest {
    private final Preferences prefs = Preferences.userRoot().node("custos-signin-test-" + UUID.randomUUID());
    private final MockOAuth2Server oauth = new MockOAuth2Server();
    private LocalFhirServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.guard().distrust();
        }
        oauth.shutdown();
        prefs.removeNode();
    }

    @Test
    void signInSyncWhatTheScopesAllowSeeWhatTheyLeaveOutSignOut(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(4, 91);
        ProfileStore profiles = new ProfileStore(prefs, new SecretStore(dir.resolve("secrets")));
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            ServersViewModel vm = new ServersViewModel(profiles, new SyncEngine(cache), new ImmediateTaskRunner(),
                    () -> { }, ZoneOffset.UTC);
            vm.openBrowserWith(org.custos.testserver.TestAuth::browse);
            vm.start();
            vm.form().nameProperty().set("SMART");
            vm.form().baseUrlProperty().set(server.smartBaseUrl());
            vm.form().authProperty().set(ProfileForm.AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()));
            vm.form().syncConsentProperty().set(false);

            // without a client id: said, nothing started
            vm.signIn();
            assertThat(vm.messageProperty().get()).contains("client id");
            vm.form().clientIdProperty().set("custos-desktop");

            // not signed in: the sync sends nothing and says so
            vm.sync();
            assertThat(vm.messageProperty().get()).contains("Not signed in");

            // the authorization server grants AuditEvents only (and says who signed in)
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", "Practitioner/officer");
            vm.signIn();
            String status = vm.signInModel().statusProperty().get();
            assertThat(status).as(vm.messageProperty().get()).startsWith("✔ Signed in as Practitioner/officer")
                    .contains("user/AuditEvent.read").contains("expires")
                    .contains("Not granted").contains("Provenance (user/Provenance.read)");
            assertThat(vm.signInModel().signedInProperty().get()).isTrue();
            // the trail's user: absolute, with the server it is known on
            assertThat(profiles.signedInUser()).contains(server.smartBaseUrl() + "/Practitioner/officer");
            List<String> issued = profiles.session("SMART").orElseThrow().secrets();
            assertThat(issued).isNotEmpty();
            // the profile was saved with its client id; every use of it carries the session
            assertThat(profiles.find("SMART").orElseThrow().tokens()).isNotNull();
            assertThat(profiles.find("SMART").orElseThrow().smart().clientId()).isEqualTo("custos-desktop");

            vm.sync();
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                    .isGreaterThanOrEqualTo(4);
            // Provenance was refused: the message names the scope it needs
            assertThat(vm.messageProperty().get()).contains("Provenance").contains("403")
                    .contains("user/Provenance.read");

            // the same name pointed at another server: no token goes there
            ServerProfile moved = profiles.find("SMART").orElseThrow();
            profiles.save(ServerProfile.of("SMART", "https://elsewhere.example.org/fhir")
                    .withAuth(ServerProfile.AuthKind.SMART, null, null).withSmart(moved.smart()));
            assertThat(profiles.find("SMART").orElseThrow().tokens()).isNull();
            assertThat(profiles.signedInUser()).isEmpty();

            // signed in again, then out: the session is gone, the sync says "sign in"
            profiles.save(moved.withSession(null));
            vm.selectedProperty().set(null);
            vm.selectedProperty().set("SMART");
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access "
                    + "user/AuditEvent.read user/Provenance.read", "Practitioner/officer");
            vm.signIn();
            assertThat(vm.signInModel().statusProperty().get()).doesNotContain("Not granted");
            vm.sync();
            assertThat(vm.messageProperty().get()).contains("completed");
            vm.signOut();
            assertThat(vm.signInModel().signedInProperty().get()).isFalse();
            assertThat(vm.messageProperty().get()).startsWith("Signed out");
            assertThat(profiles.find("SMART").orElseThrow().tokens()).isNull();
            vm.sync();
            assertThat(vm.messageProperty().get()).contains("Not signed in");
            // none of the tokens issued is in any file Custos wrote: the cache and secrets here, the preferences
            prefs.flush();
            List<Path> roots = new java.util.ArrayList<>(List.of(dir));
            String prefsRoot = System.getProperty("java.util.prefs.userRoot");
            if (prefsRoot != null) {
                roots.add(Path.of(prefsRoot));
            }
            for (Path root : roots) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                        for (String token : issued) {
                            assertThat(text).as(f.toString()).doesNotContain(token);
                        }
                    }
                }
            }
        }
    }

    /** A keyring for this test (the real one is tested in SecretsTest, in its own D-Bus session). */
    private static final class TestKeyring implements org.custos.fhir.SecretBackend {
        final Map<String, String> entries = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public java.util.Optional<String> get(String name) {
            return java.util.Optional.ofNullable(entries.get(name));
        }

        @Override
        public void put(String name, String secret) {
            if (secret == null || secret.isEmpty()) {
                entries.remove(name);
            } else {
                entries.put(name, secret);
            }
        }

        @Override
        public boolean keyring() {
            return true;
        }
    }

    private static List<String> refreshTokens(TestKeyring keyring) {
        return keyring.entries.entrySet().stream().filter(e -> e.getKey().startsWith("refresh."))
                .map(Map.Entry::getValue).toList();
    }

    @Test
    void aSignInKeptInTheKeyringResumesAtTheNextStartAndSignOutForgetsIt(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(2, 92);
        TestKeyring keyring = new TestKeyring();
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            ServersViewModel first = new ServersViewModel(new ProfileStore(prefs, keyring), new SyncEngine(cache),
                    new ImmediateTaskRunner(), () -> { }, ZoneOffset.UTC);
            first.openBrowserWith(org.custos.testserver.TestAuth::browse);
            first.start();
            first.form().nameProperty().set("SMART");
            first.form().baseUrlProperty().set(server.smartBaseUrl());
            first.form().authProperty().set(ProfileForm.AUTH_CHOICES.get(ServerProfile.AuthKind.SMART.ordinal()));
            first.form().clientIdProperty().set("custos-desktop");
            first.form().syncConsentProperty().set(false);
            first.form().syncProvenanceProperty().set(false);
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", "Practitioner/officer");
            first.signIn();
            assertThat(first.signInModel().statusProperty().get()).startsWith("✔ Signed in");
            assertThat(keyring.entries.keySet()).anyMatch(k -> k.startsWith("refresh."));
            String firstKept = refreshTokens(keyring).get(0);

            // signing in again while signed in (asking for more, say): the new refresh token is the one kept
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", "Practitioner/officer");
            first.signIn();
            assertThat(refreshTokens(keyring)).hasSize(1).doesNotContain(firstKept);
            assertThat(keyring.entries).anySatisfy((k, v) -> assertThat(k).startsWith("signedin."));

            // again, and the server names nobody this time: the earlier user is not left beside the new token
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", null);
            first.signIn();
            assertThat(keyring.entries.keySet()).noneMatch(k -> k.startsWith("signedin."));
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", "Practitioner/officer");
            first.signIn();
            assertThat(keyring.entries).containsValue("Practitioner/officer");

            // the next start: a new store (no session in memory) resumes with the kept refresh token, no browser
            ProfileStore restarted = new ProfileStore(prefs, keyring);
            ServersViewModel second = new ServersViewModel(restarted, new SyncEngine(cache),
                    new ImmediateTaskRunner(), () -> { }, ZoneOffset.UTC);
            second.openBrowserWith(uri -> {
                throw new AssertionError("no browser for a resumed sign-in");
            });
            // the refreshed token's id token names nobody (mock-oauth2-server would otherwise reuse what it issued
            // with this refresh token: a refresh token it does not know gets the next grant, naming nobody): the
            // resumed sign-in names who signed in before
            ProfileStore restartedFirst = new ProfileStore(prefs, keyring);
            restartedFirst.refreshKeeper(restartedFirst.find("SMART").orElseThrow()).accept("refresh-unknown-to-the-mock");
            org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", null);
            second.start();
            assertThat(second.signInModel().statusProperty().get()).startsWith("✔ Signed in as Practitioner/officer");
            assertThat(restarted.session("SMART")).isPresent();
            assertThat(restarted.signedInUser()).hasValueSatisfying(u -> assertThat(u).endsWith("Practitioner/officer"));
            second.sync();
            assertThat(second.messageProperty().get()).contains("completed");

            second.signOut();
            assertThat(keyring.entries.keySet()).noneMatch(k -> k.startsWith("refresh.") || k.startsWith("signedin."));

            // a kept sign-in goes when the profile is pointed at another server, also with no session in memory
            ServerProfile saved = restarted.find("SMART").orElseThrow();
            restarted.refreshKeeper(saved).accept("kept-refresh-token");
            new ProfileStore(prefs, keyring).save(saved.withSession(null).withTls(null)
                    .withPaging(saved.pageSize(), saved.types(), 0));
            assertThat(refreshTokens(keyring)).containsExactly("kept-refresh-token");
            ServerProfile moved = ServerProfile.of("SMART", "https://elsewhere.example.org/fhir")
                    .withAuth(ServerProfile.AuthKind.SMART, null, null).withSmart(saved.smart());
            new ProfileStore(prefs, keyring).save(moved);
            assertThat(refreshTokens(keyring)).isEmpty();
            assertThat(new ProfileStore(prefs, keyring).keptRefreshToken(moved)).isEmpty();
            ServersViewModel third = new ServersViewModel(new ProfileStore(prefs, keyring), new SyncEngine(cache),
                    new ImmediateTaskRunner(), () -> { }, ZoneOffset.UTC);
            third.start();
            assertThat(third.signInModel().statusProperty().get()).startsWith("Not signed in");
        }
    }
}
