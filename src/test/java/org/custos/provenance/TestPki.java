package org.custos.provenance;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Keys and certificates made for a test (BouncyCastle): a CA, and signers issued by it with a subjectAltName URI. */
public final class TestPki {
    private final AtomicLong serial = new AtomicLong(1);
    final KeyPair caKeys;
    final X509Certificate ca;

    TestPki(String caName) {
        caKeys = rsa();
        ca = certificate("CN=" + caName, caKeys, "CN=" + caName, caKeys, null, Instant.now().minus(Duration.ofDays(3650)),
                Instant.now().plus(Duration.ofDays(3650)), true);
    }

    /** A signer: its keys and a certificate from this CA naming {@code sanUri} (null: none), valid in [from, to]. */
    record Signer(KeyPair keys, X509Certificate cert, X509Certificate ca) {
        SignerKeys signerKeys() {
            return new SignerKeys(keys.getPrivate(), java.util.List.of(cert, ca));
        }
    }

    Signer signer(String name, String sanUri, Instant from, Instant to) {
        return signer(name, sanUri, from, to, rsa());
    }

    Signer signer(String name, String sanUri, Instant from, Instant to, KeyPair keys) {
        return new Signer(keys, certificate("CN=" + name, keys, ca.getSubjectX500Principal().getName(), caKeys,
                sanUri, from, to, false), ca);
    }

    Signer signer(String name, String sanUri) {
        return signer(name, sanUri, Instant.now().minus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(365)));
    }

    /** A signer whose certificate {@code issuer} (an end entity, not a CA) made with its own key. */
    Signer issuedBy(Signer issuer, String name, String sanUri) {
        KeyPair keys = rsa();
        return new Signer(keys, certificate("CN=" + name, keys, issuer.cert().getSubjectX500Principal().getName(),
                issuer.keys(), sanUri, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                false), issuer.cert());
    }

    /** A signer issued by an intermediate CA that this CA issued; its chain (leaf, intermediate) leads to the root. */
    Signer signerViaIntermediate(String name, String sanUri) {
        KeyPair interKeys = rsa();
        X509Certificate inter = certificate("CN=Intermediate of " + name, interKeys,
                ca.getSubjectX500Principal().getName(), caKeys, null, Instant.now().minus(Duration.ofDays(10)),
                Instant.now().plus(Duration.ofDays(300)), true);
        KeyPair keys = rsa();
        X509Certificate leaf = certificate("CN=" + name, keys, inter.getSubjectX500Principal().getName(), interKeys,
                sanUri, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), false);
        return new Signer(keys, leaf, inter);
    }

    /**
     * A PKCS#12 file holding a new signer's key and chain (leaf, this test CA), as a person gets one: {@code name} in
     * the certificate, {@code sanUri} as its subject alternative name (null: none), protected by {@code password}.
     */
    public static Issued pkcs12(Path file, String name, String sanUri, char[] password) throws Exception {
        TestPki pki = new TestPki(name + " CA");
        Signer s = pki.signer(name, sanUri);
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", s.keys().getPrivate(), password, new java.security.cert.Certificate[]{s.cert(), pki.ca});
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            ks.store(out, password);
        }
        return new Issued(file, pki.ca);
    }

    /** A key file made by {@link #pkcs12} and the CA certificate that issued its signer's. */
    public record Issued(Path file, X509Certificate ca) {
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        String sanUri, Instant from, Instant to, boolean isCa) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(serial.getAndIncrement()), Date.from(from), Date.from(to), new X500Name(subject),
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (sanUri != null) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, sanUri)));
            }
            String alg = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder(alg).build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Objects (certificates, keys, key pairs) written as PEM. */
    static String pem(Object... objects) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file;
    }
}
