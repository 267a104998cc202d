package org.custos.fhir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The TLS context of a profile: Java's trusted certificate authorities plus the profile's CA file, and its client
 * certificate for mutual TLS. Verification (chain and host name) stays on; nothing here turns it off.
 */
public final class Tls {
    private Tls() {
    }

    /**
     * The context for {@code t}, or null when it adds nothing (Java's defaults serve).
     *
     * @throws FhirServerException (TLS) a file that cannot be read or used, named with the reason
     */
    public static SSLContext context(TlsSettings t) {
        if (t == null || !t.any()) {
            return null;
        }
        try {
            TrustManager[] trust = null;
            if (t.caFile() != null) {
                trust = new TrustManager[]{withCa(certificates(Path.of(t.caFile())))};
            }
            KeyManager[] keys = null;
            if (t.clientCertFile() != null) {
                keys = clientKeys(Path.of(t.clientCertFile()), t.clientCertPassword());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new FhirServerException(FhirServerException.Kind.TLS, 0, "Cannot set up TLS: " + e.getMessage());
        }
    }

    /** What a failed handshake most likely means, and what to do, from Java's words for it. */
    static String hint(String javaSays, ServerProfile profile) {
        String m = javaSays == null ? "" : javaSays.toLowerCase(Locale.ROOT);
        if (m.contains("pkix") || m.contains("certification path") || m.contains("unable to find valid")) {
            return "The server's certificate is not signed by an authority Custos trusts"
                    + (profile.tls().caFile() == null ? ": add its CA certificate file to the profile (TLS)."
                    : ", nor by the profile's CA file " + profile.tls().caFile() + ".");
        }
        if (m.contains("no subject alternative") || m.contains("hostname") || m.contains("doesn't match")) {
            return "The server's certificate is for another name than " + profile.baseUri().getHost()
                    + ": use the name it was issued for in the base URL.";
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("certificate required")
                || (m.contains("handshake_failure") && profile.tls().clientCertFile() == null)) {
            return profile.tls().clientCertFile() == null ? "The server may want a client certificate (mutual TLS): "
                    + "add one to the profile." : "The server did not accept the client certificate "
                    + profile.tls().clientCertFile() + ".";
        }
        if (m.contains("expired") || m.contains("not yet valid")) {
            return "A certificate is out of its validity period (check this computer's clock, too).";
        }
        if (m.contains("unrecognized ssl message") || m.contains("plaintext")) {
            return "The server does not speak TLS on this port: is the address really https?";
        }
        return "Is the address really https, and is the server's certificate trusted?";
    }

    private static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new FhirServerException(FhirServerException.Kind.TLS, 0, "The CA file " + file
                        + " holds no certificate (PEM or DER expected).");
            }
            return out;
        } catch (IOException e) {
            throw new FhirServerException(FhirServerException.Kind.TLS, 0, "Cannot read the CA file " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ").");
        } catch (CertificateException e) {
            throw new FhirServerException(FhirServerException.Kind.TLS, 0, "The CA file " + file + " is not a "
                    + "certificate (PEM or DER expected): " + e.getMessage());
        }
    }

    /** Java's own trust, and the given authorities besides: a chain either accepts is accepted. */
    private static javax.net.ssl.X509ExtendedTrustManager withCa(List<X509Certificate> cas) throws GeneralSecurityException {
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            own.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (X509Certificate c : cas) {
            own.setCertificateEntry("custos-ca-" + i++, c);
        }
        TrustManagerFactory added = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        added.init(own);
        javax.net.ssl.X509ExtendedTrustManager java = x509(defaults.getTrustManagers());
        javax.net.ssl.X509ExtendedTrustManager profile = x509(added.getTrustManagers());
        // each check as the socket or engine asks it (host name identification included), by the profile's
        // authorities first, then by Java's
        return new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                java.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                    throws CertificateException {
                java.checkClientTrusted(chain, authType, socket);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                    throws CertificateException {
                java.checkClientTrusted(chain, authType, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    profile.checkServerTrusted(chain, authType);
                } catch (CertificateException notOurs) {
                    if (issuedByProfile(chain)) {
                        throw notOurs; // the profile's authority issued it, and it fails (another name, expired)
                    }
                    java.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                    throws CertificateException {
                try {
                    profile.checkServerTrusted(chain, authType, socket);
                } catch (CertificateException notOurs) {
                    if (issuedByProfile(chain)) {
                        throw notOurs; // the profile's authority issued it, and it fails (another name, expired)
                    }
                    java.checkServerTrusted(chain, authType, socket);
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                    throws CertificateException {
                try {
                    profile.checkServerTrusted(chain, authType, engine);
                } catch (CertificateException notOurs) {
                    if (issuedByProfile(chain)) {
                        throw notOurs; // the profile's authority issued it, and it fails (another name, expired)
                    }
                    java.checkServerTrusted(chain, authType, engine);
                }
            }

            /** Whether the chain ends at one of the profile's authorities (then its verdict stands). */
            private boolean issuedByProfile(X509Certificate[] chain) {
                if (chain == null || chain.length == 0) {
                    return false;
                }
                X509Certificate last = chain[chain.length - 1];
                for (X509Certificate ca : profile.getAcceptedIssuers()) {
                    if (ca.getSubjectX500Principal().equals(last.getIssuerX500Principal())
                            || ca.equals(last)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(List.of(java.getAcceptedIssuers()));
                all.addAll(List.of(profile.getAcceptedIssuers()));
                return all.toArray(X509Certificate[]::new);
            }
        };
    }

    private static javax.net.ssl.X509ExtendedTrustManager x509(TrustManager[] managers)
            throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof javax.net.ssl.X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static KeyManager[] clientKeys(Path file, String password) throws GeneralSecurityException {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, pw);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FhirServerException(FhirServerException.Kind.TLS, 0, "The client certificate file " + file
                    + " does not exist.");
        } catch (IOException e) {
            boolean wrongPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("password");
            throw new FhirServerException(FhirServerException.Kind.TLS, 0, "Cannot open the client certificate "
                    + file + (wrongPassword ? ": the password is wrong." : " (a PKCS#12 file, .p12 or .pfx, is "
                    + "expected): " + e.getMessage()));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf.getKeyManagers();
    }
}
