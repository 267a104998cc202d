package org.custos.testserver;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

/**
 * A private certificate authority for the TLS tests: a CA, server certificates for a name, client certificates; the
 * CA as a PEM file, a client certificate as a PKCS#12 file, a server's TLS context (optionally trusting client
 * certificates of this CA).
 */
public final class TestPki {
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private long serial = 2;

    public TestPki(String name) throws Exception {
        caKeys = keys();
        ca = sign(new X500Name("CN=" + name), caKeys, new X500Name("CN=" + name), caKeys, true, null);
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                 boolean isCa, GeneralNames names) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (names != null) {
            b.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(issuerKeys.getPrivate())));
    }

    /** The CA certificate as a PEM file. */
    public Path writeCa(Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(ca.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return file;
    }

    /**
     * A server's TLS context: a certificate for the IP address {@code ip} (and nothing else), issued by this CA; when
     * {@code clients} is given, client certificates issued by it are trusted.
     */
    public SSLContext server(String ip, TestPki clients) throws Exception {
        KeyPair k = keys();
        X509Certificate cert = sign(new X500Name("CN=" + ip), k, new X500Name(ca.getSubjectX500Principal()
                .getName()), caKeys, false, new GeneralNames(ip.matches("[0-9.]+")
                ? new GeneralName(GeneralName.iPAddress, ip) : new GeneralName(GeneralName.dNSName, ip)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", k.getPrivate(), "pw".toCharArray(), new X509Certificate[]{cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        TrustManagerFactory tmf = null;
        if (clients != null) {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("clients", clients.ca);
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A client certificate issued by this CA, with its key, as a PKCS#12 file under {@code password}. */
    public Path writeClient(Path file, String name, String password) throws Exception {
        KeyPair k = keys();
        X509Certificate cert = sign(new X500Name("CN=" + name), k, new X500Name(ca.getSubjectX500Principal()
                .getName()), caKeys, false, null);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", k.getPrivate(), password.toCharArray(), new X509Certificate[]{cert, ca});
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
        return file;
    }
}
