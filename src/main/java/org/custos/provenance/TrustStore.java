package org.custos.provenance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The certificates a reviewer trusts to sign: a PEM file (one or more "BEGIN CERTIFICATE" blocks) or a PKCS#12 store
 * (its certificate entries and the certificates of its key entries), read with the JDK. Empty when none is
 * configured: every signer is then untrusted, and the verdict says that no trust store is configured.
 */
public final class TrustStore {
    private final List<X509Certificate> certificates;
    private final String source;

    private TrustStore(List<X509Certificate> certificates, String source) {
        this.certificates = List.copyOf(certificates);
        this.source = source;
    }

    /** No trust store configured. */
    public static TrustStore none() {
        return new TrustStore(List.of(), null);
    }

    /** The given certificates (tests, a store built in memory). */
    public static TrustStore of(List<X509Certificate> certificates, String source) {
        return new TrustStore(certificates, source);
    }

    /**
     * Reads a PEM or PKCS#12 file ({@code password} for PKCS#12: null or empty when it has none).
     *
     * @throws IllegalArgumentException the file cannot be read or holds no certificate; the message names the file
     */
    public static TrustStore load(Path file, char[] password) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("The trust store " + file + " cannot be read: " + e.getMessage(), e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            if (new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
                for (Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(bytes))) {
                    certs.add((X509Certificate) c);
                }
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(new ByteArrayInputStream(bytes), password == null ? new char[0] : password);
                for (String alias : Collections.list(ks.aliases())) {
                    if (ks.getCertificate(alias) instanceof X509Certificate x) {
                        certs.add(x);
                    }
                }
            }
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("The trust store " + file + " is neither PEM certificates nor a "
                    + "PKCS#12 store Custos can open (" + e.getMessage() + ").", e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("The trust store " + file + " holds no certificate.");
        }
        return new TrustStore(certs, file.toString());
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    public boolean isEmpty() {
        return certificates.isEmpty();
    }

    /** Where the certificates came from (a file), null when none is configured. */
    public String source() {
        return source;
    }

    /**
     * The certificates that may vouch for others: CA certificates (basicConstraints CA). A signer's own certificate in
     * the store is trusted as exactly that signer, never as an issuer (its key could otherwise mint any "who").
     */
    Set<TrustAnchor> anchors() {
        Set<TrustAnchor> out = new HashSet<>();
        for (X509Certificate c : certificates) {
            if (c.getBasicConstraints() >= 0) {
                out.add(new TrustAnchor(c, null));
            }
        }
        return out;
    }
}
