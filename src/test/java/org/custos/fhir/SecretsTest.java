package org.custos.fhir;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where secrets are kept: with a real Secret Service (gnome-keyring-daemon on a private D-Bus session, in a child
 * process whose HOME is a temp folder — never the developer's own keyring), passwords an older Custos kept in the
 * encrypted file move into the keyring and the file and its key go, and a refresh token is kept there across
 * restarts; without a keyring the file serves, with a warning, and refresh tokens are not written anywhere.
 */
class SecretsTest {
    private static final String PASSWORD = "pa55-W0rd-for-the-keyring";
    private static final String REFRESH = "refresh-T0ken-kept-in-the-keyring";

    @TempDir
    Path dir;

    @Test
    void withoutAKeyringTheFileServesWithAWarningAndNoRefreshTokenIsWritten() throws IOException {
        Secrets secrets = new Secrets(new SecretStore(dir), () -> {
            throw new IllegalStateException("no keyring service answers (test)");
        });
        Preferences prefs = Preferences.userRoot().node("custos-secrets-test-" + System.nanoTime());
        try {
            ProfileStore store = new ProfileStore(prefs, secrets);
            store.save(ServerProfile.of("x", "https://fhir.example.org/fhir")
                    .withAuth(ServerProfile.AuthKind.BASIC, "officer", PASSWORD));
            assertThat(store.find("x").orElseThrow().secret()).isEqualTo(PASSWORD);
            assertThat(store.secretsWarning()).get().asString().contains("No keyring here (no keyring service answers (test))").contains("until Custos closes");
            store.refreshKeeper(store.find("x").orElseThrow()).accept(REFRESH);
            assertThat(store.keptRefreshToken(store.find("x").orElseThrow())).isEmpty();
            assertThat(Files.readString(dir.resolve("secrets.properties"))).doesNotContain(PASSWORD);
            // the file holds one entry (the password), not the refresh token
            assertThat(Files.readAllLines(dir.resolve("secrets.properties")).stream()
                    .filter(l -> !l.startsWith("#"))).hasSize(1);
            store.delete("x");
            assertThat(dir.resolve("secrets.properties")).doesNotExist();
            assertThat(dir.resolve("secrets.key")).doesNotExist();
        } finally {
            try {
                prefs.removeNode();
            } catch (java.util.prefs.BackingStoreException ignored) {
                // a temp node
            }
        }
    }

    /** Run in the child process, on the private session bus: prints what it found, one fact per line. */
    public static void main(String[] args) throws Exception {
        Path d = Path.of(args[0]);
        Preferences prefs = Preferences.userRoot().node("custos-keyring-child");
        // what an older Custos left: the password in the encrypted file
        new ProfileStore(prefs, new SecretStore(d)).save(ServerProfile.of("x", "https://fhir.example.org/fhir")
                .withAuth(ServerProfile.AuthKind.BASIC, "officer", PASSWORD));
        System.out.println("file before: " + Files.exists(d.resolve("secrets.properties")));
        ProfileStore store = new ProfileStore(prefs, Secrets.forThisUser(d));
        System.out.println("password: " + store.find("x").orElseThrow().secret().equals(PASSWORD));
        System.out.println("warning: " + store.secretsWarning().isPresent());
        System.out.println("file after: " + Files.exists(d.resolve("secrets.properties")) + " key after: "
                + Files.exists(d.resolve("secrets.key")));
        ServerProfile x = store.find("x").orElseThrow();
        store.refreshKeeper(x).accept(REFRESH);
        ProfileStore restarted = new ProfileStore(prefs, Secrets.forThisUser(d));
        System.out.println("password again: " + restarted.find("x").orElseThrow().secret().equals(PASSWORD));
        System.out.println("refresh kept: " + restarted.keptRefreshToken(x).orElse("").equals(REFRESH));
        restarted.refreshKeeper(x).accept(null);
        System.out.println("refresh forgotten: " + restarted.keptRefreshToken(x).isEmpty());
        // a cache encrypted with its key in this keyring, opened again through a new Secrets (the next start)
        Path cacheFile = d.resolve("enc-cache");
        org.custos.cache.Cache.open(cacheFile).close();
        org.custos.fhir.Secrets first = Secrets.forThisUser(d);
        String id = org.custos.sync.CacheKeyring.keys(first).encrypt(cacheFile).orElseThrow();
        first.close();
        try (org.custos.cache.Cache c = org.custos.sync.CacheKeyring.keys(Secrets.forThisUser(d)).open(cacheFile)) {
            System.out.println("cache encrypted: " + c.encrypted() + " key in keyring: "
                    + Secrets.forThisUser(d).get(org.custos.cache.CacheKeys.entry(id)).isPresent());
        }
        // a backend-services key kept by the command line (custos key store), the file then not needed
        Path jwk = d.resolve("batch.jwk");
        Files.writeString(jwk, new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384)
                .generate().toJSONString());
        java.io.StringWriter out = new java.io.StringWriter();
        int stored = org.custos.cli.CustosCommand.run(new String[]{"key", "store", "batch", jwk.toString()},
                new java.io.PrintWriter(out), new java.io.PrintWriter(out));
        System.out.println("key stored: " + (stored == 0) + " in keyring: " + Secrets.forThisUser(
                org.custos.cache.DataDirs.dataDir()).get("backend-key.batch").map(k -> k.contains("P-384"))
                .orElse(false) + " " + out.toString().trim().replace('\n', ' '));
        int again = org.custos.cli.CustosCommand.run(new String[]{"key", "store", "batch", jwk.toString()},
                new java.io.PrintWriter(out), new java.io.PrintWriter(out));
        System.out.println("same name refused: " + (again != 0));
        prefs.removeNode();
        System.out.flush();
        System.exit(0); // the D-Bus connection's threads would keep the JVM alive
    }

    @Test
    void aRealKeyringTakesOverThePasswordsAndKeepsTheRefreshToken() throws Exception {
        assumeTrue(onPath("dbus-run-session") && onPath("gnome-keyring-daemon"),
                "needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring; .ci/run does)");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path data = Files.createDirectories(dir.resolve("data"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String child = "echo -n custos-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
                + "sleep 1; exec \"$0\" -cp \"$CP\" -Djava.util.prefs.userRoot=\"$HOME/prefs\" "
                + SecretsTest.class.getName() + " \"$1\"";
        ProcessBuilder pb = new ProcessBuilder("dbus-run-session", "--", "sh", "-c", child, java, data.toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        pb.environment().put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        pb.redirectErrorStream(true);
        Path log = dir.resolve("child.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(ended).as("the child ended within 2 minutes: " + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("file before: true", "password: true", "warning: false",
                "file after: false key after: false", "password again: true", "refresh kept: true",
                "refresh forgotten: true", "cache encrypted: true key in keyring: true", "key stored: true in keyring: "
                        + "true", "same name refused: true");
        // nothing Custos wrote holds the password or the refresh token (the keyring's own store is gnome-keyring's)
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                assertThat(text).as(f.toString()).doesNotContain(PASSWORD).doesNotContain(REFRESH);
            }
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
